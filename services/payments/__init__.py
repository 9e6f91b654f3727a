"""payments: sales, cash and M-Pesa payments."""
