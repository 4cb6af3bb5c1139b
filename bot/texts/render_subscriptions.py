"""Pure rendering of subscriptions: /subscriptions and what /subscribe did (safe HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts import Html, t
from bot.texts.markup import truncate
from bot.texts.notifications import topic_ref
from bot.texts.render import NAME_LIMIT, Names, counter_label, where
from bot.views import Subscribed, SubscriptionView


def render_subscriptions(
    lang: str,
    items: Sequence[SubscriptionView],
    names: Names,
    title: str | None = None,
    *,
    forum: bool = False,
) -> Html:
    """The chat's subscriptions: what each hears, its silence and (in a forum) its topic."""
    place = where(lang, title)
    if not items:
        return t(lang, "err_no_subscriptions", where=place, **names)
    lines = [t(lang, "subscriptions_title", where=place)]
    for item in items:
        facts = [t(lang, f"hears_{item.hears}")]
        if item.silent:
            facts.append(t(lang, "subscription_silent"))
        if item.thread_id is not None:
            facts.append(_topic_fact(lang, item.thread_id, item.topic_name))
        elif forum:
            facts.append(t(lang, "subscription_general"))
        lines.append(Html(f"• {counter_label(item.counter)}\n   {' · '.join(facts)}"))
    lines.append(t(lang, "subscriptions_footer", **names))
    return Html("\n".join(lines))


def _topic_fact(lang: str, thread_id: int, name: str | None) -> Html:
    if name:
        return t(lang, "subscription_topic_named", name=truncate(name, NAME_LIMIT))
    return t(lang, "subscription_topic_numbered", id=thread_id)


def render_subscribed(lang: str, result: Subscribed, where: Html, *, forum: bool) -> Html:
    """What /subscribe did: a new subscription, nothing, or the changes, naming the topic."""
    now, before = result.now, result.before
    label = counter_label(now.counter)
    if before is None or _settings(before) == _settings(now):
        key = "subscribed" if before is None else "subscribed_already"
        return t(
            lang,
            key,
            counter=label,
            where=where,
            place=_place(lang, now, forum=forum),
            hears=t(lang, f"hears_{now.hears}_long"),
            silence=t(lang, "silence_on") if now.silent else Html(""),
        )
    changes: list[Html] = []
    if now.hears != before.hears:
        old = t(lang, f"hears_{before.hears}")
        changes.append(t(lang, "changed_hears", hears=t(lang, f"hears_{now.hears}"), old=old))
    if now.silent != before.silent:
        changes.append(t(lang, "changed_silent" if now.silent else "changed_loud"))
    if now.thread_id != before.thread_id:
        changes.append(t(lang, "changed_place", topic=_topic(lang, now)))
    return t(
        lang, "subscription_changed", counter=label, where=where, changes=Html("; ".join(changes))
    )


def _settings(item: SubscriptionView) -> tuple[object, ...]:
    return item.hears, item.silent, item.thread_id


def _topic(lang: str, item: SubscriptionView) -> Html:
    """'the topic “Calls”', 'topic 7' or 'General'."""
    if item.thread_id is None:
        return t(lang, "topic_general")
    return topic_ref(
        lang, item.thread_id, item.topic_name and truncate(item.topic_name, NAME_LIMIT)
    )


def _place(lang: str, item: SubscriptionView, *, forum: bool) -> Html:
    """' in the topic “Calls”', ' in General' in a forum, or nothing."""
    if item.thread_id is not None:
        return t(lang, "place_topic", topic=_topic(lang, item))
    return t(lang, "place_general") if forum else Html("")
