"""Scheduling's pure rules: plain values in, decisions out; no database, no clock, no HTTP.

`plan` holds the values (sessions, checks, violations); `validation` checks a weekly plan
against the program; `calendar` dates it; `weeks` checks its dated weeks; `authorization` says
which dated days the authorization covers. The modules beside this package load their inputs
(`rule_inputs`, `references`, `authorization`), store plan versions (`booking`), re-book their
appointments (`rebooking`) and feed calendars (`feeds`).
"""
