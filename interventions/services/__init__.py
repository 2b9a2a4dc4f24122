"""Writes for delivering the order, one module per kind of delivery (import the module:
`from interventions.services import unpaid_work`)."""
