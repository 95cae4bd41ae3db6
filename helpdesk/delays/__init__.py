"""The proactive delay notice: a late parcel found (a carrier event, or its estimate passed), one
job per event, and the shopper told in the widget when it is open there, else by email."""
