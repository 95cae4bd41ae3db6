"""The jobs API, for admins: the dead-letter list, and re-queueing a dead job once its cause is
fixed."""

from __future__ import annotations

from aiohttp import web

from helpdesk.database import DB
from helpdesk.errors import BadRequest
from helpdesk.jobs import queue
from helpdesk.jobs.models import DeadJobsAnswer, DueJob, JobPublic
from helpdesk.web.admins import admin_for
from helpdesk.web.keys import CLOCK

routes = web.RouteTableDef()
PRIVATE = {"Cache-Control": "no-store"}
WHAT = "the shop's due jobs"


def public(job: DueJob) -> JobPublic:
    return JobPublic.model_validate(job, from_attributes=True)


@routes.get("/api/agent/jobs/dead")
async def dead(request: web.Request) -> web.Response:
    await admin_for(request, WHAT)
    async with request.app[DB].session() as session:
        jobs = await queue.dead_jobs(session)
    answer = DeadJobsAnswer(jobs=[public(job) for job in jobs])
    return web.json_response(answer.model_dump(mode="json"), headers=PRIVATE)


@routes.post("/api/agent/jobs/{job_id}/requeue")
async def requeue(request: web.Request) -> web.Response:
    await admin_for(request, WHAT)
    written = request.match_info["job_id"]
    if not (written.isascii() and written.isdigit() and len(written) <= 10):
        raise BadRequest("a job id is a whole number such as 42")
    async with request.app[DB].session() as session:
        job = await queue.requeue(session, int(written), now=request.app[CLOCK].now())
        await session.commit()
    return web.json_response(public(job).model_dump(mode="json"), headers=PRIVATE)
