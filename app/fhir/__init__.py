"""The FHIR R4 interface at `/fhir/R4`: the clinic's patients, admissions (EpisodeOfCare),
appointments, attended sessions (Encounter), therapy groups and coverages as FHIR resources,
read and searched with the keys, roles, tenancy and audit of `/v1`; EHRs push their patients.

`mapping/` turns our read models into FHIR resources (and a FHIR Patient into our bodies),
pure functions with one module per resource; `router.py` calls the domain services.
"""
