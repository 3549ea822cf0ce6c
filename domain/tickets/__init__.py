"""Requests (tickets, leads), matching clients to psychologists, and help-hand tickets."""
