"""/export and /chart: a counter's whole list of uploadings, as a file or per day.

Both read the list as /uploadings does (bot.services.lists): the stored list while fresh, else
one request shared by everybody asking, paid from the asking user's budget and the login's
command reserve; when either is spent the stored list answers, saying why.
"""

from __future__ import annotations

from bot.clock import utc_now
from bot.container import Services
from bot.reports.daily import Period, daily, summarize
from bot.reports.export_csv import export_file_name, uploadings_csv
from bot.services.budget import FetchedList, payer
from bot.services.lists import ask, current_list
from bot.views import ChartView, CounterView, ExportView, ListNote


async def export_uploadings(
    services: Services, chat_id: int, user_id: int | None, counter_id: int
) -> ExportView:
    """Every uploading of a linked counter as a CSV document named for the counter and today."""
    counter, found, why = await _whole_list(services, chat_id, user_id, counter_id)
    content = uploadings_csv(found.uploadings)
    name = export_file_name(counter_id, utc_now().date())
    return ExportView(counter, content, name, len(found.uploadings), found.at, why)


async def chart_uploadings(
    services: Services, chat_id: int, user_id: int | None, counter_id: int, days: int
) -> ChartView:
    """A linked counter's uploadings of the last `days` UTC days (today included), per day."""
    period = Period.ending(utc_now().date(), days)
    counter, found, why = await _whole_list(services, chat_id, user_id, counter_id)
    per_day = tuple(daily(found.uploadings, period))
    return ChartView(counter, period, per_day, summarize(per_day), found.at, why)


async def _whole_list(
    services: Services, chat_id: int, user_id: int | None, counter_id: int
) -> tuple[CounterView, FetchedList, ListNote | None]:
    """The chat's access checked, then the counter's list, fresh or stored."""
    asked = await ask(services, chat_id, counter_id)
    found, why = await current_list(services, asked, payer(user_id, chat_id), refresh=False)
    return asked.counter, found, why
