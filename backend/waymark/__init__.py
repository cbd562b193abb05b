"""Waymark: a mobile-first web app for care leavers and the people who support them."""
