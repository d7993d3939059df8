"""The registry of WCO bodies: built out in the committees issue."""
