"""Pure mappings between our read models and FHIR R4 resources, one module per resource."""
