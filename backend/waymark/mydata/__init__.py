"""A young person's own data: see it, download it, delete their account."""
