"""The merchant's policy files: loading, validation with line-exact errors, and the answers computed from them."""

from .check import run_check
from .errors import NotServed, PolicyError, PolicyLookupError, UnknownName
from .loading import Policies, load_policies
from .loyalty import (
    PointsEarned,
    RedemptionOption,
    ReferralBonus,
    TierStatus,
    points_expire_on,
    points_for_order,
    promotion_on,
    redemption_option,
    referral_bonus,
    tier_status,
)
from .markets import market_of
from .payments import (
    InstalmentOption,
    MethodOffer,
    currency_for,
    instalment_options,
    payment_methods,
)
from .returns import (
    RefundTimeline,
    ReturnEligibility,
    ReturnItem,
    ReturnReason,
    ReturnShippingCost,
    exchanges_allowed,
    refund_timeline,
    return_eligibility,
    return_shipping,
    store_credit_offer,
)
from .shipping import (
    DeliveryWindow,
    FreeShippingGap,
    ShippingOffer,
    delivery_window,
    duties_mode,
    free_shipping_gap,
    shipping_options,
    shipping_price,
    ships_to,
    tracking_url,
)
from .store import PoliciesUnavailable, PolicyStore
from .support import (
    Availability,
    always_human,
    availability,
    queue_wait_limit,
    team_availability,
    teams_for_language,
    wait_too_long,
)

__all__ = [
    "Availability", "DeliveryWindow", "FreeShippingGap", "InstalmentOption", "MethodOffer", "NotServed",
    "PointsEarned", "Policies", "PoliciesUnavailable", "PolicyError", "PolicyLookupError", "PolicyStore",
    "RedemptionOption", "ReferralBonus", "RefundTimeline", "ReturnEligibility", "ReturnItem", "ReturnReason",
    "ReturnShippingCost", "ShippingOffer", "TierStatus", "UnknownName", "always_human", "availability",
    "currency_for", "delivery_window", "duties_mode", "exchanges_allowed", "free_shipping_gap",
    "instalment_options", "load_policies", "market_of", "payment_methods", "points_expire_on",
    "points_for_order", "promotion_on", "queue_wait_limit", "redemption_option", "referral_bonus",
    "refund_timeline", "return_eligibility", "return_shipping", "run_check", "ships_to", "shipping_options",
    "shipping_price", "store_credit_offer", "team_availability", "teams_for_language", "tier_status",
    "tracking_url", "wait_too_long",
]
