"""English texts. Keys and placeholders match ru.py (a test checks it)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "start": (
        "👋 I watch your <b>Yandex Metrica</b> call-data uploadings and tell this chat "
        "when their status changes (PROCESSED, LINKAGE_FAILURE…).\n\n"
        "<b>How to begin</b>\n"
        "1. In a private chat with me: {token_cmd} <code>&lt;OAuth token&gt;</code>: "
        "your Yandex token with the <code>metrika:read</code> scope.\n"
        "2. {link_cmd} <code>&lt;counter id&gt;</code>: link a counter to this chat.\n"
        "3. {subscribe_cmd}: get a message on every status change.\n\n"
        "{help_cmd}: all commands."
    ),
    # /help: the title, then one line per command of the command table (bot/telegram/commands.py)
    "help_title": "<b>Commands</b>",
    "help_token": (
        "{token_cmd} <code>&lt;token&gt;</code>: save your Yandex OAuth token (private chat only); "
        "{token_cmd} alone: is one saved; {token_cmd} <code>delete</code>: forget it"
    ),
    "help_link": "{link_cmd} <code>&lt;counter&gt; [@channel]</code>: link a counter",
    "help_unlink": "{unlink_cmd} <code>&lt;counter&gt;</code>: unlink it",
    "help_counters": "{counters_cmd}: linked counters",
    "help_uploadings": "{uploadings_cmd} <code>[counter]</code>: call uploadings, newest first",
    "help_uploading": "{uploading_cmd} <code>&lt;id&gt; [counter]</code>: one uploading in full",
    "help_export": "{export_cmd} <code>[counter]</code>: every uploading as a CSV file",
    "help_chart": (
        "{chart_cmd} <code>[counter] [days]</code>: a chart of uploadings and rows per day "
        "(30 days unless told)"
    ),
    "help_subscribe": (
        "{subscribe_cmd} <code>[counter] [all|final|failures] [silent] [@channel]</code>: "
        "notify about status changes (sent in a forum topic: to that topic)"
    ),
    "help_unsubscribe": "{unsubscribe_cmd} <code>[counter]</code>: stop notifications",
    "help_subscriptions": "{subscriptions_cmd}: this chat's subscriptions",
    "help_lang": "{lang_cmd} <code>ru|en</code>: language of this chat",
    "error_internal": "Something went wrong on my side. Please try again in a minute.",
    "_raw": "{raw}",
    # Status labels: shown with the raw code, e.g. "✅ Processed (PROCESSED)".
    "status_PREPARED": "⏳ Prepared",
    "status_UPLOADED": "📥 Uploaded",
    "status_EXPORTED": "📤 Exported",
    "status_MATCHED": "🔗 Matched",
    "status_PROCESSED": "✅ Processed",
    "status_LINKAGE_FAILURE": "❌ Linkage failure",
    "status_unknown": "❔ Unknown status",
    # --- chat interface (commands) ---
    "start_token": (
        "🔑 Send me your Yandex OAuth token here: {token_cmd} <code>&lt;token&gt;</code>.\n"
        "It needs the <code>metrika:read</code> scope (an app at "
        '<a href="https://oauth.yandex.ru/">oauth.yandex.ru</a> with “Reading Metrica '
        "statistics”). I check it, store it encrypted and delete your message."
    ),
    "where_here": "here",
    "where_chat": "in “{title}”",
    "usage_token": (
        "Usage, in a private chat: {token_cmd} <code>&lt;OAuth token&gt;</code> saves it, "
        "{token_cmd} alone says whether one is saved, {token_cmd} <code>delete</code> forgets it."
    ),
    "usage_link": (
        "Usage: {link_cmd} <code>&lt;counter id&gt;</code>; from a private chat also "
        "{link_cmd} <code>&lt;counter id&gt; &lt;@channel or -100… id&gt;</code>."
    ),
    "usage_unlink": "Usage: {unlink_cmd} <code>&lt;counter id&gt;</code>.",
    "usage_uploadings": "Usage: {uploadings_cmd} <code>[counter id]</code>.",
    "usage_uploading": "Usage: {uploading_cmd} <code>&lt;uploading id&gt; [counter id]</code>.",
    "usage_export": "Usage: {export_cmd} <code>[counter id]</code>.",
    "usage_chart": (
        "Usage: {chart_cmd} <code>[counter id] [days]</code>: days from 1 to 365, 30 when "
        "not given (a lone number up to 365 is the days)."
    ),
    "usage_subscribe": (
        "Usage: {subscribe_cmd} <code>[counter id] [all|final|failures] [silent|loud]</code>, "
        "in any order; from a private chat also <code>[@channel or -100… id]</code>.\n"
        "<code>all</code>: every status change; <code>final</code>: only PROCESSED and "
        "LINKAGE_FAILURE; <code>failures</code>: only failures; <code>silent</code>: without "
        "sound. Sent in a forum topic, notifications go to that topic."
    ),
    "usage_unsubscribe": "Usage: {unsubscribe_cmd} <code>[counter id]</code>.",
    "usage_lang": "Usage: {lang_cmd} <code>ru</code> or {lang_cmd} <code>en</code>.",
    "err_no_token": (
        "You have no Yandex token saved yet: send it to me in a "
        '<a href="{private_link}">private chat</a> as /token <code>&lt;token&gt;</code>, '
        "or log in with Yandex there with /login (if this bot's operator enabled it)."
    ),
    "err_token_revoked": (
        "Metrica no longer accepts the saved token (revoked or expired): send a new one with "
        '/token in a <a href="{private_link}">private chat</a>.'
    ),
    "err_token_rejected": (
        "Metrica did not accept this token: check it and send it again (I deleted your message)."
    ),
    "err_token_unreadable": (
        "I can't read the saved Yandex token any more (the bot's encryption key was changed): "
        'its owner should send it again with /token in a <a href="{private_link}">private '
        "chat</a> with me."
    ),
    "err_no_access": "The token has no access to counter <code>{counter}</code>.",
    "err_counter_not_found": "Metrica has no counter <code>{counter}</code>.",
    "err_uploading_not_found": (
        "Counter <code>{counter}</code> has no uploading <code>{uploading}</code>."
    ),
    "err_busy": "Metrica is busy right now: try again in {minutes} min.",
    "err_quota": "The Metrica request quota for today is used up: try again after {time} UTC.",
    "err_refused": "Metrica refused the request: {reason}",
    "err_link_suspended": (
        "Counter <code>{counter}</code> is paused {where}: the Yandex token it was linked with "
        "no longer works or lost access to it. An admin can link it again with a token that "
        "works: {link_cmd} <code>{counter}</code>."
    ),
    "err_too_many": ("That is a lot of requests to Metrica in a minute: try again in {seconds} s."),
    "err_quota_low": (
        "Today's Metrica quota for commands is nearly spent (the rest is kept for "
        "notifications): try again after {time} UTC."
    ),
    "err_not_linked": (
        "Counter <code>{counter}</code> is not linked {where}: "
        "{link_cmd} <code>{counter}</code> links it."
    ),
    "err_no_counters": (
        "No counters are linked {where} yet: {link_cmd} <code>&lt;counter id&gt;</code>."
    ),
    "err_not_subscribed": "There is no subscription to counter <code>{counter}</code> {where}.",
    "err_no_subscriptions": "There are no subscriptions {where} yet: {subscribe_cmd}.",
    "err_admins_only": "Only admins of this chat can do that.",
    "err_anonymous": (
        "I can't tell who posted this (an anonymous admin or a channel), so I don't know whose "
        "token to use: in a "
        '<a href="{private_link}">private chat</a> with me send '
        "/link <code>&lt;counter id&gt; {chat}</code>."
    ),
    "err_target_private_only": "A chat can be named only in a private chat with me.",
    "err_target_not_found": (
        "{chat} is not found, or you are not an admin there. Check the @name or id; "
        "both you and I must be admins there."
    ),
    "err_target_not_group": "{chat} is not a group or a channel.",
    "err_target_bot_not_admin": "I am not an admin of {chat}: make me one first.",
    "err_stale_button": "This button is out of date.",
    "token_private_only": (
        'Tokens go only to a <a href="{private_link}">private chat</a> with me, never to a group.'
    ),
    "token_exposed": (
        "⚠️ A token was posted in a shared chat. {deleted} It is exposed now: revoke it in "
        '<a href="https://id.yandex.ru/personal/data-access">Yandex ID → Data access</a> and '
        'send a new one to me in a <a href="{private_link}">private chat</a>.'
    ),
    "token_message_deleted": "I deleted the message.",
    "token_message_kept": "I can't delete the message here: delete it yourself.",
    "token_saved": "✅ Token saved, encrypted. I deleted your message with it.",
    "token_counters": (
        "It can see {total} counter(s). Tap one to link it to this chat, or send "
        "{link_cmd} <code>&lt;counter id&gt;</code> in a group."
    ),
    "token_counters_none": "It can't see any counter yet: check its access in Metrica.",
    "token_status_none": (
        "No token saved. Send one: {token_cmd} <code>&lt;OAuth token&gt;</code> "
        "(scope <code>metrika:read</code>)."
    ),
    "token_status_valid": (
        "🔑 A token is saved (since {time}) and Metrica accepts it. "
        "{token_cmd} <code>delete</code> forgets it."
    ),
    "token_status_revoked": (
        "⚠️ A token is saved, but Metrica refused it on {time}: send a new one with "
        "{token_cmd} <code>&lt;token&gt;</code>."
    ),
    "token_status_unreadable": (
        "⚠️ A token is saved, but I can't read it any more (the bot's encryption key was "
        "changed): send it again with {token_cmd} <code>&lt;token&gt;</code>."
    ),
    "token_deleted": "🗑 Token deleted.",
    "token_deleted_told": "Chats that used it were told: {chats}.",
    "token_not_saved": "There was no token to delete.",
    "token_deleted_notice": (
        "⚠️ {user} deleted the Yandex token used here for counter(s) {counters}. "
        "This chat gets nothing about them until {user} saves a new token or someone links "
        "them again with /link."
    ),
    "linked": "🔗 Counter {counter} is linked {where}.",
    "linked_again": "🔗 Counter {counter} was already linked {where}: now it uses your token.",
    "linked_next": "Next: {subscribe_cmd} <code>{args}</code> to hear about status changes.",
    "unlinked": "Counter {counter} is unlinked {where}, and its subscription is gone too.",
    "counters_title": "<b>Counters linked {where}</b>",
    "counters_footer": (
        "{uploadings_cmd} <code>&lt;id&gt;</code>: uploadings · "
        "{subscribe_cmd} <code>&lt;id&gt;</code>: notifications"
    ),
    "counter_subscribed": "🔔 subscribed",
    "counter_not_subscribed": "🔕 not subscribed",
    "counter_suspended": "⏸ paused here: the token it was linked with stopped working",
    "subscriptions_title": "<b>Subscriptions {where}</b>",
    "uploadings_title": (
        "<b>Call uploadings</b> of {counter}\n{first}–{last} of {total}, newest first"
    ),
    "uploadings_empty": "Counter {counter} has no call uploadings yet.",
    "uploadings_footer": "Details: {uploading_cmd} <code>&lt;id&gt;</code>",
    "uploadings_as_of": "🕒 as of {time} UTC · ↻ fetches anew",
    "uploadings_note_rate": (
        "⏳ This is the stored list: you reached {limit} requests to Metrica a minute. "
        "↻ works again in {seconds} s."
    ),
    "uploadings_note_quota": (
        "⏳ This is the stored list: today's Metrica quota is nearly spent (the rest is kept "
        "for notifications). Fresh data after {time} UTC."
    ),
    "uploading_rows": "rows {valid}/{total} valid",
    "uploading_calls": "calls {static} static, {dynamic} dynamic",
    "uploading_title": "<b>Uploading {id}</b> of {counter}",
    "uploading_created": "Created: {time}",
    "uploading_status": "Status: {status}",
    "uploading_rows_full": "Rows: {valid} of {total} passed validation",
    "uploading_calls_full": "Calls: {static} static, {dynamic} dynamic",
    "uploading_id_type": "Visitor id: <code>{kind}</code>",
    "uploading_comment": "Comment: {comment}",
    "meaning_PREPARED": "Metrica has prepared the uploading; processing has not started yet.",
    "meaning_UPLOADED": "The file is uploaded and waits for processing (usually up to 2 hours).",
    "meaning_EXPORTED": "The data has been passed on for matching.",
    "meaning_MATCHED": "Visitor ids are matched; final processing comes next.",
    "meaning_PROCESSED": "Done: the calls are in Metrica's reports.",
    "meaning_LINKAGE_FAILURE": (
        "Not a single call could be linked to a visit. Usual causes:\n"
        "• the visitor id (ClientID, UserID or yclid) is unknown to Metrica;\n"
        "• the visit was after the call, or more than 21 days before the upload;\n"
        "• calls with StaticCall=1 never link to visits.\n"
        "Static calls still show in call reports."
    ),
    "meaning_unknown": "Metrica reported a status I don't know; it is shown as it is.",
    "meaning_all_invalid": (
        "⚠️ None of the {total} rows passed validation: check the file's columns and values."
    ),
    "pick_uploadings": "Uploadings of which counter?",
    "pick_uploading": "Which counter has uploading <code>{uploading}</code>?",
    "pick_subscribe": "Subscribe to which counter {where}?",
    "pick_unsubscribe": "Unsubscribe from which counter {where}?",
    "subscribed": (
        "🔔 Subscribed: messages about uploadings of {counter} will come {where}{place}: "
        "{hears}{silence}. Uploadings that exist now are not reported."
    ),
    "subscribed_already": (
        "Already subscribed to {counter} {where}{place}: {hears}{silence}. Nothing changed."
    ),
    "subscription_changed": "🔔 The subscription to {counter} {where} changed: {changes}.",
    "changed_hears": "now {hears} (before: {old})",
    "changed_silent": "without sound from now on",
    "changed_loud": "with sound again",
    "changed_place": "moved to {topic}",
    "place_topic": " in {topic}",
    "place_general": " in General",
    "topic_named": "the topic “{name}”",
    "topic_numbered": "topic {id}",
    "topic_general": "General",
    "hears_all": "every change",
    "hears_final": "final statuses",
    "hears_failures": "failures",
    "hears_all_long": "every status change",
    "hears_final_long": "only PROCESSED and LINKAGE_FAILURE, and the stuck warning",
    "hears_failures_long": (
        "only LINKAGE_FAILURE, uploadings where no row passed validation, and the stuck warning"
    ),
    "silence_on": ", without sound",
    "subscription_silent": "🔕 without sound",
    "subscription_topic_named": "📌 topic “{name}”",
    "subscription_topic_numbered": "📌 topic {id}",
    "subscription_general": "📌 General",
    "subscriptions_footer": (
        "Buttons: ▸ changes what a subscription hears, 🔔/🔕 switches its sound. "
        "{subscribe_cmd} sent in a forum topic moves it there."
    ),
    "button_filter": "{counter}: {hears} ▸",
    "button_sound_on": "🔔 with sound",
    "button_sound_off": "🔕 silent",
    "button_details": "🔎 Details #{id}",
    "button_details_of": "🔎 #{id}",
    "button_add_group": "➕ Add to a group",
    "button_add_channel": "📣 Add to a channel",
    "bot_description": (
        "I watch Yandex Metrica call-data uploadings and tell your team's chat when their "
        "status changes (PROCESSED, LINKAGE_FAILURE, stuck ones). Save your Metrica token here "
        "in private, then link a counter in a group or channel and /subscribe: to the whole "
        "chat or to one forum topic, every change or only final statuses or failures, with or "
        "without sound."
    ),
    "bot_short_description": (
        "Yandex Metrica call uploadings: status changes in your team's chat or forum topic."
    ),
    "unsubscribed": "🔕 Unsubscribed from {counter} {where}.",
    "lang_set": "Language of this chat: English.",
    "menu_start": "What this bot does and how to begin",
    "menu_help": "All commands",
    "menu_token": "Save, check or delete your Yandex token",
    "menu_link": "Link a Metrica counter to this chat",
    "menu_unlink": "Unlink a counter",
    "menu_counters": "Linked counters",
    "menu_uploadings": "Call uploadings, newest first",
    "menu_uploading": "One uploading in full",
    "menu_export": "Every uploading as a CSV file",
    "menu_chart": "A chart of uploadings per day",
    "menu_subscribe": "Notify this chat about status changes",
    "menu_unsubscribe": "Stop notifications",
    "menu_subscriptions": "This chat's subscriptions",
    "menu_lang": "Language: ru or en",
    # --- monitor notifications ---
    "notify_header": "📊 {counter}",
    "notify_counter_ref": "<b>{name}</b> ({id})",
    "notify_counter_id": "<b>{id}</b>",
    "notify_uploading": "<b>#{id}</b>",
    "notify_new": "🆕 New uploading {uploading}: {status}",
    "notify_status": "🔄 Uploading {uploading}: {old} → {new}",
    "notify_stuck": "⏳ Uploading {uploading} is still processing, longer than usual: {status}",
    "notify_comment": "💬 {comment}",
    "notify_created": "Created {created}",
    "notify_numbers": "Rows valid: {valid} of {total} · calls: {static} static, {dynamic} dynamic",
    "notify_all_rows_invalid": (
        "⚠️ Not a single row passed validation: check the CSV columns (a visitor id column "
        "such as ClientId, UserId or Yclid, and DateTime as a Unix time) and the value formats, "
        "then upload the file again."
    ),
    "notify_linkage_hint": (
        "Usual causes: the visitor id is unknown to Metrica; the visit was after the call or "
        "more than 21 days before the upload; calls with StaticCall=1 never link to visits. "
        "Check that the ids come from this counter's site, then upload again."
    ),
    "notify_metrica_link": '📈 <a href="{metrica_link}">The counter in Metrica</a>',
    "notify_topic_gone": (
        "⚠️ I can no longer write to {topic} (it was deleted or closed), so notifications come "
        "here, to General, from now on. /subscribe sent in another topic moves them there."
    ),
    "notify_login": " (login <b>{login}</b>)",
    "notify_token_owner": (
        "🔑 Metrica refused your saved token{login}: it was revoked or has expired. "
        "I stopped checking the counters it serves. Send /token with a new token here (or log "
        "in again: /login) to resume."
    ),
    "notify_token_unreadable": (
        "🔑 I can't read your saved Yandex token any more: the bot's encryption key was changed. "
        "I stopped checking the counters it serves. Send /token with it again here to resume."
    ),
    "notify_token_chat": (
        "🔑 The Yandex token {counters} are linked with here stopped working (revoked or "
        "expired). This chat gets nothing about them until its owner saves a new token, or an "
        "admin links them again with a token that works: /link."
    ),
    "notify_token_chat_unreadable": (
        "🔑 I can't read the Yandex token {counters} are linked with here any more (the bot's "
        "encryption key was changed). This chat gets nothing about them until its owner sends "
        "it again with /token, or an admin links them again with a token that works: /link."
    ),
    "notify_link_denied": (
        "🚫 The Yandex token {counters} is linked with here lost access to it. This chat gets "
        "nothing about it until an admin links it again with a token that can see it: /link."
    ),
    "notify_access_owner": (
        "🚫 Your Yandex token{login} can no longer see {counters}: the chats where you linked "
        "it get nothing about it now. Restore the access in Metrica and send /token again, or "
        "ask someone who can see it to link it."
    ),
    "notify_links_resumed": (
        "▶️ {counters}: the token linked here works again, so this chat hears about them again. "
        "What changed meanwhile is not replayed."
    ),
    "notify_quota": (
        "⏸ Today's Metrica request quota of every Yandex login that can check {counters} is "
        "used up. Checking resumes after {resets}."
    ),
    "notify_counter_gone": (
        "🚫 Counter {counter} no longer exists in Metrica. I stopped checking it."
    ),
    "notify_counter_denied": (
        "🚫 The token that serves counter {counter} lost access to it. I stopped checking it; "
        "link it again with a token that can see it."
    ),
    # --- /export and /chart ---
    "pick_export": "Export the uploadings of which counter?",
    "pick_chart": "A chart of which counter?",
    "chart_days_range": (
        "⚠️ A chart covers 1 to {max} days, not <code>{days}</code>. "
        "For example: {chart_cmd} <code>7</code> for the last week."
    ),
    "export_caption": "📄 Call uploadings of {counter}: {count}, newest first.",
    "report_as_of": "🕒 as of {time} UTC",
    "report_note_rate": (
        "⏳ From the stored list: you reached {limit} requests to Metrica a minute."
    ),
    "report_note_quota": (
        "⏳ From the stored list: today's Metrica quota is nearly spent (the rest is kept "
        "for notifications). Fresh data after {time} UTC."
    ),
    "chart_empty": (
        "📉 Counter {counter} has no call uploadings from {first} to {last} (UTC), so there is "
        "nothing to draw. A longer period: {chart_cmd} <code>{counter_id} {max}</code>."
    ),
    "chart_caption_title": "📊 {counter}, {first} – {last} UTC ({days} d.)",
    "chart_caption_uploadings": (
        "Uploadings: <b>{uploadings}</b> (✅ {processed} processed, "
        "❌ {failed} linkage failure, ⏳ {unfinished} unfinished)"
    ),
    "chart_caption_rows": "Rows: <b>{valid}</b> of {total} valid ({share})",
    "chart_caption_linked": "Linked: {processed} of {finished} finished ({share})",
    "chart_title": "{counter} · {first} – {last} (UTC)",
    "chart_axis_uploadings": "uploadings",
    "chart_axis_rows": "rows",
    "chart_axis_day": "day (UTC)",
    "chart_processed": "processed",
    "chart_failed": "linkage failure",
    "chart_unfinished": "unfinished",
    "chart_rows_total": "rows sent",
    "chart_rows_valid": "rows valid",
    # --- /login, /logout (Yandex device-code login) ---
    "help_login": (
        "{login_cmd}: log in with Yandex (a code to confirm on Yandex's page, private chat only)"
    ),
    "help_logout": "{logout_cmd}: log out: revoke the token at Yandex and forget it here",
    "menu_login": "Log in with Yandex",
    "menu_logout": "Log out of Yandex",
    "login_private_only": "🔐 Log in with Yandex in a private chat with me: the button opens it.",
    "button_login_private": "🔐 Log in privately",
    "login_code": (
        "🔐 To connect your Yandex account, open the page below and enter the code\n\n"
        "<code>{code}</code>\n\nIt is valid for {minutes} min. I'll edit this message once you "
        "confirm."
    ),
    "button_login_open": "Open Yandex",
    "login_connected": (
        "✅ Connected as <b>{login}</b>. The token is stored encrypted and renewed by itself; "
        "{logout_cmd} disconnects."
    ),
    "login_missing_scopes": (
        "⚠️ Yandex granted fewer rights than asked, without: {scopes}. Without "
        "<code>metrika:offline_data</code> uploading calls will not work, without "
        "<code>metrika:read</code> I can't see counters. {login_cmd} again and allow them all."
    ),
    "login_denied": (
        "❌ The login was refused on Yandex's page. Try again with the button, or save a token "
        "with {token_cmd}."
    ),
    "login_expired": "⌛ The code expired before it was confirmed. The button gives a new one.",
    "login_error": (
        "Something went wrong with the login. Try again with the button, or save a token with "
        "{token_cmd}."
    ),
    "button_login_again": "🔁 Try again",
    "err_login_disabled": (
        "Logging in with Yandex is not enabled by this bot's operator. Save a token instead: "
        "{token_cmd} <code>&lt;OAuth token&gt;</code>."
    ),
    "err_login_unavailable": (
        "Logging in with Yandex is unavailable now: Yandex refuses this bot's app (its "
        "operator was told). Meanwhile save a token: {token_cmd} <code>&lt;OAuth "
        "token&gt;</code>."
    ),
    "err_yandex_busy": "Yandex did not answer. Please try again in a minute.",
    "logout_done": (
        "👋 Logged out: the token was revoked at Yandex (where it could be) and deleted here."
    ),
    "logout_none": "You are not logged in: there is no token to forget.",
    # --- /upload ---
    "help_upload": (
        "{upload_cmd} <code>[counter] [comment]</code>: as the caption of a calls CSV (or in "
        "reply to one): upload it to Metrica with your token and follow it here"
    ),
    "menu_upload": "Upload a calls CSV to Metrica",
    "usage_upload": (
        "Send a calls CSV file with the caption {upload_cmd} <code>[counter id] [comment]</code>, "
        "or reply with that to a message holding the file. The file: UTF-8, comma or semicolon "
        "separated, a header with one of <code>UserId</code>, <code>ClientId</code>, "
        "<code>Yclid</code> and <code>DateTime</code> (unix time). The comment is at most 255 "
        "characters."
    ),
    "upload_done": "📤 <b>Uploading {id}</b> of {counter} is made.",
    "upload_rows": "Rows sent: {rows} (Metrica counts {total})",
    "upload_following": "I will tell this chat each status change until it is final.",
    "err_upload_scope": (
        "Metrica refused the upload: your Yandex token may only read. Uploading needs a token "
        "with the <code>metrika:offline_data</code> (or <code>metrika:write</code>) scope: at "
        '<a href="https://oauth.yandex.ru/">oauth.yandex.ru</a> give your app “Uploading '
        "offline data to Metrica” (or “Editing Metrica counters”), get a new token and send it "
        'with /token in a <a href="{private_link}">private chat</a> with me '
        "(or /login there: it asks for that scope)."
    ),
    "err_several_counters": (
        "Several counters are linked {where}: {counters}. Name one: "
        "{upload_cmd} <code>&lt;counter id&gt; [comment]</code>."
    ),
    "csv_title": "❌ The file was not sent to Metrica:",
    "csv_item": "• {problem}",
    "csv_more": "• …and {count} more problems.",
    "csv_rules": "Fix it and send it again ({help_cmd} describes the file).",
    "csv_at_line": "line {line}",
    "csv_at_cell": "line {line}, column <code>{column}</code>",
    "csv_too_big": "the file is larger than {value} MB, more than a bot may download",
    "csv_empty": "the file is empty",
    "csv_not_utf8": "the text is not UTF-8 (save the file as “CSV UTF-8”)",
    "csv_unreadable": "the CSV cannot be read (a quote is not closed?)",
    "csv_no_name": "a column has no name",
    "csv_unknown_column": "unknown column <code>{value}</code> (known: {known})",
    "csv_duplicate_column": "the column appears twice",
    "csv_no_id_column": (
        "the header needs one of <code>UserId</code>, <code>ClientId</code>, <code>Yclid</code>"
    ),
    "csv_several_id_columns": "only one id column may be given, not {value}",
    "csv_no_time_column": "the header needs a <code>DateTime</code> column (unix time)",
    "csv_no_rows": "there are no rows under the header",
    "csv_empty_row": "an empty row",
    "csv_cell_count": "the number of values does not match the header (values / columns: {value})",
    "csv_required": "the value is missing",
    "csv_not_unix_time": "“{value}” is not a unix time (whole seconds since 1970)",
    "csv_not_flag": "“{value}” should be 0 or 1",
    "csv_not_seconds": "“{value}” should be whole seconds",
    "csv_not_number": "“{value}” is not a number",
}
