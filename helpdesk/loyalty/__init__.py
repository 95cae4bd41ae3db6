"""Loyalty that does something: code pools per reward, redemption, goodwill points by agents."""
