"""The shop's orders, shipments, returns and loyalty accounts, and who may see them."""
