"""accounts: users, roles, the businesses each may act for, and login tokens."""
