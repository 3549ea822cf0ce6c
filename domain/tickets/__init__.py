"""Requests (tickets, leads) and help-hand tickets."""
