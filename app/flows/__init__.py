"""Use cases that change more than one domain.

A domain's service changes its own tables; a flow composes services in the one lock order of
`locks`, and the services emit the domain events of what they changed, in the same
transaction. Routers call a flow wherever a request touches more than one domain.
"""
