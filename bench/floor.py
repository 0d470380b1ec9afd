"""What an eligibility evaluation costs on this stack with nothing of the service around it
(`bench/run` serves it beside the bare endpoint): the same request body, model and rules and
the same answer, on bare FastAPI, with no key, rate limit, middleware, context or audit. Its
ratio is the ceiling the served evaluation can reach."""

from datetime import UTC, datetime

from fastapi import FastAPI

from app.admissions.rules import evaluate_eligibility
from app.admissions.schemas import Evaluation, EvaluationRequest
from app.programs.settings import ProgramSettings

app = FastAPI(openapi_url=None)
DEFAULTS = ProgramSettings()


@app.post("/v1/eligibility/evaluations")
async def evaluate(body: EvaluationRequest) -> Evaluation:
    today = datetime.now(UTC).date()
    decision = evaluate_eligibility(body, DEFAULTS, today)
    return Evaluation(**dict(decision), program_id=None, settings_version=None, evaluated_on=today)
