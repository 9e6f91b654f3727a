"""inventory: products, prices and stock for the three businesses."""
