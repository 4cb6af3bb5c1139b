"""Русские тексты. Ключи и подстановки совпадают с en.py (это проверяет тест)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "start": (
        "👋 Я слежу за загрузками данных о звонках в <b>Яндекс Метрику</b> и сообщаю в этот чат, "
        "когда меняется их статус (PROCESSED, LINKAGE_FAILURE…).\n\n"
        "<b>С чего начать</b>\n"
        "1. В личном чате со мной: {token_cmd} <code>&lt;OAuth-токен&gt;</code>: "
        "ваш токен Яндекса с доступом <code>metrika:read</code>.\n"
        "2. {link_cmd} <code>&lt;номер счётчика&gt;</code>: привязать счётчик к этому чату.\n"
        "3. {subscribe_cmd}: получать сообщение при каждой смене статуса.\n\n"
        "{help_cmd}: все команды."
    ),
    # /help: заголовок, затем по строке на команду из таблицы команд (bot/telegram/commands.py)
    "help_title": "<b>Команды</b>",
    "help_token": (
        "{token_cmd} <code>&lt;токен&gt;</code>: сохранить OAuth-токен Яндекса (только в личном "
        "чате); {token_cmd} без аргументов: сохранён ли токен; {token_cmd} <code>delete</code>: "
        "удалить его"
    ),
    "help_link": "{link_cmd} <code>&lt;счётчик&gt; [@канал]</code>: привязать счётчик",
    "help_unlink": "{unlink_cmd} <code>&lt;счётчик&gt;</code>: отвязать его",
    "help_counters": "{counters_cmd}: привязанные счётчики",
    "help_uploadings": "{uploadings_cmd} <code>[счётчик]</code>: загрузки звонков, сначала новые",
    "help_uploading": "{uploading_cmd} <code>&lt;id&gt; [счётчик]</code>: одна загрузка подробно",
    "help_export": "{export_cmd} <code>[счётчик]</code>: все загрузки файлом CSV",
    "help_chart": (
        "{chart_cmd} <code>[счётчик] [дней]</code>: график загрузок и строк по дням "
        "(по умолчанию за 30 дней)"
    ),
    "help_subscribe": (
        "{subscribe_cmd} <code>[счётчик] [all|final|failures] [silent] [@канал]</code>: "
        "уведомлять о смене статусов (из темы форума: в эту тему)"
    ),
    "help_unsubscribe": "{unsubscribe_cmd} <code>[счётчик]</code>: больше не уведомлять",
    "help_subscriptions": "{subscriptions_cmd}: подписки этого чата",
    "help_lang": "{lang_cmd} <code>ru|en</code>: язык этого чата",
    "error_internal": "Что-то пошло не так на моей стороне. Попробуйте ещё раз через минуту.",
    "_raw": "{raw}",
    # Status labels: shown with the raw code, e.g. "✅ Processed (PROCESSED)".
    "status_PREPARED": "⏳ Подготовлена",
    "status_UPLOADED": "📥 Загружена",
    "status_EXPORTED": "📤 Выгружена",
    "status_MATCHED": "🔗 Сопоставлена",
    "status_PROCESSED": "✅ Обработана",
    "status_LINKAGE_FAILURE": "❌ Ошибка связывания",
    "status_unknown": "❔ Неизвестный статус",
    # --- chat interface (commands) ---
    "start_token": (
        "🔑 Пришлите мне сюда OAuth-токен Яндекса: {token_cmd} <code>&lt;токен&gt;</code>.\n"
        "Нужен доступ <code>metrika:read</code> (приложение на "
        '<a href="https://oauth.yandex.ru/">oauth.yandex.ru</a> с правом «Получение '
        "статистики Метрики»). Я проверю токен, сохраню его в зашифрованном виде и удалю ваше "
        "сообщение."
    ),
    "where_here": "в этом чате",
    "where_chat": "в чате «{title}»",
    "usage_token": (
        "Как пользоваться, в личном чате: {token_cmd} <code>&lt;OAuth-токен&gt;</code> сохраняет "
        "токен, {token_cmd} без аргументов показывает, сохранён ли он, {token_cmd} "
        "<code>delete</code> удаляет его."
    ),
    "usage_link": (
        "Как пользоваться: {link_cmd} <code>&lt;номер счётчика&gt;</code>; из личного чата "
        "ещё {link_cmd} <code>&lt;номер счётчика&gt; &lt;@канал или id -100…&gt;</code>."
    ),
    "usage_unlink": "Как пользоваться: {unlink_cmd} <code>&lt;номер счётчика&gt;</code>.",
    "usage_uploadings": "Как пользоваться: {uploadings_cmd} <code>[номер счётчика]</code>.",
    "usage_uploading": (
        "Как пользоваться: {uploading_cmd} <code>&lt;id загрузки&gt; [номер счётчика]</code>."
    ),
    "usage_subscribe": (
        "Как пользоваться: {subscribe_cmd} "
        "<code>[номер счётчика] [all|final|failures] [silent|loud]</code>, в любом порядке; "
        "из личного чата ещё <code>[@канал или id -100…]</code>.\n"
        "<code>all</code>: каждая смена статуса; <code>final</code>: только PROCESSED и "
        "LINKAGE_FAILURE; <code>failures</code>: только ошибки; <code>silent</code>: без звука. "
        "Команда из темы форума присылает уведомления в эту тему."
    ),
    "usage_unsubscribe": "Как пользоваться: {unsubscribe_cmd} <code>[номер счётчика]</code>.",
    "usage_export": "Как пользоваться: {export_cmd} <code>[номер счётчика]</code>.",
    "usage_chart": (
        "Как пользоваться: {chart_cmd} <code>[номер счётчика] [дней]</code>: от 1 до 365 "
        "дней, по умолчанию 30 (одно число до 365 означает число дней)."
    ),
    "usage_lang": "Как пользоваться: {lang_cmd} <code>ru</code> или {lang_cmd} <code>en</code>.",
    "err_no_token": (
        "У вас ещё нет сохранённого токена Яндекса: пришлите его мне в "
        '<a href="{private_link}">личном чате</a> командой /token <code>&lt;токен&gt;</code> '
        "или войдите там через Яндекс командой /login (если владелец бота её включил)."
    ),
    "err_token_revoked": (
        "Метрика больше не принимает сохранённый токен (отозван или истёк): пришлите новый "
        'командой /token в <a href="{private_link}">личном чате</a>.'
    ),
    "err_token_rejected": (
        "Метрика не приняла этот токен: проверьте его и пришлите ещё раз (ваше сообщение я удалил)."
    ),
    "err_token_unreadable": (
        "Я больше не могу прочитать сохранённый токен Яндекса (ключ шифрования бота сменился): "
        'его владельцу нужно прислать его снова командой /token в <a href="{private_link}">'
        "личном чате</a> со мной."
    ),
    "err_no_access": "У токена нет доступа к счётчику <code>{counter}</code>.",
    "err_counter_not_found": "В Метрике нет счётчика <code>{counter}</code>.",
    "err_uploading_not_found": (
        "У счётчика <code>{counter}</code> нет загрузки <code>{uploading}</code>."
    ),
    "err_busy": "Метрика сейчас перегружена: попробуйте ещё раз через {minutes} мин.",
    "err_quota": ("Дневная квота запросов к Метрике исчерпана: попробуйте снова после {time} UTC."),
    "err_refused": "Метрика отклонила запрос: {reason}",
    "err_link_suspended": (
        "Счётчик <code>{counter}</code> {where} приостановлен: токен Яндекса, с которым его "
        "привязали, больше не работает или потерял к нему доступ. Админ может привязать его "
        "заново работающим токеном: {link_cmd} <code>{counter}</code>."
    ),
    "err_too_many": (
        "Слишком много запросов к Метрике за минуту: попробуйте снова через {seconds} с."
    ),
    "err_quota_low": (
        "Дневная квота Метрики для команд почти исчерпана (остаток оставлен для "
        "уведомлений): попробуйте снова после {time} UTC."
    ),
    "err_not_linked": (
        "Счётчик <code>{counter}</code> не привязан {where}: "
        "{link_cmd} <code>{counter}</code> привяжет его."
    ),
    "err_no_counters": (
        "Привязанных счётчиков {where} пока нет: {link_cmd} <code>&lt;номер счётчика&gt;</code>."
    ),
    "err_not_subscribed": "Подписки на счётчик <code>{counter}</code> {where} нет.",
    "err_no_subscriptions": "Подписок {where} пока нет: {subscribe_cmd}.",
    "err_admins_only": "Это могут делать только администраторы чата.",
    "err_anonymous": (
        "Я не вижу, кто это отправил (анонимный администратор или канал), поэтому не знаю, "
        "чей токен использовать: пришлите мне в "
        '<a href="{private_link}">личном чате</a> '
        "/link <code>&lt;номер счётчика&gt; {chat}</code>."
    ),
    "err_target_private_only": "Указать другой чат можно только в личном чате со мной.",
    "err_target_not_found": (
        "Чат {chat} не найден, или вы не администратор в нём. Проверьте @имя или id: "
        "администраторами там должны быть и вы, и я."
    ),
    "err_target_not_group": "{chat} не группа и не канал.",
    "err_target_bot_not_admin": "Я не администратор {chat}: сначала назначьте меня.",
    "err_stale_button": "Эта кнопка устарела.",
    "token_private_only": (
        'Токен присылайте только в <a href="{private_link}">личный чат</a> со мной, '
        "никогда в группу."
    ),
    "token_exposed": (
        "⚠️ В общий чат отправлен токен. {deleted} Теперь он раскрыт: отзовите его в "
        '<a href="https://id.yandex.ru/personal/data-access">Яндекс ID → Доступы к данным</a> '
        'и пришлите новый мне в <a href="{private_link}">личный чат</a>.'
    ),
    "token_message_deleted": "Сообщение я удалил.",
    "token_message_kept": "Удалить сообщение здесь я не могу: удалите его сами.",
    "token_saved": "✅ Токен сохранён в зашифрованном виде. Сообщение с ним я удалил.",
    "token_counters": (
        "Ему доступно счётчиков: {total}. Нажмите на счётчик, чтобы привязать его к этому чату, "
        "или отправьте {link_cmd} <code>&lt;номер счётчика&gt;</code> в группе."
    ),
    "token_counters_none": "Ему пока не доступен ни один счётчик: проверьте доступы в Метрике.",
    "token_status_none": (
        "Токен не сохранён. Пришлите его: {token_cmd} <code>&lt;OAuth-токен&gt;</code> "
        "(доступ <code>metrika:read</code>)."
    ),
    "token_status_valid": (
        "🔑 Токен сохранён (с {time}), Метрика его принимает. "
        "{token_cmd} <code>delete</code> удалит его."
    ),
    "token_status_revoked": (
        "⚠️ Токен сохранён, но Метрика отклонила его {time}: пришлите новый командой "
        "{token_cmd} <code>&lt;токен&gt;</code>."
    ),
    "token_status_unreadable": (
        "⚠️ Токен сохранён, но прочитать его я больше не могу (ключ шифрования бота сменился): "
        "пришлите его снова: {token_cmd} <code>&lt;токен&gt;</code>."
    ),
    "token_deleted": "🗑 Токен удалён.",
    "token_deleted_told": "Чатов, где он использовался и куда я сообщил об этом: {chats}.",
    "token_not_saved": "Сохранённого токена не было.",
    "token_deleted_notice": (
        "⚠️ {user} удалил(а) токен Яндекса, через который здесь работали счётчики {counters}. "
        "Этот чат ничего о них не получает, пока {user} не сохранит новый токен или кто-нибудь "
        "не привяжет их заново командой /link."
    ),
    "linked": "🔗 Счётчик {counter} привязан {where}.",
    "linked_again": (
        "🔗 Счётчик {counter} уже был привязан {where}: теперь он работает через ваш токен."
    ),
    "linked_next": "Дальше: {subscribe_cmd} <code>{args}</code>, чтобы узнавать о смене статусов.",
    "unlinked": "Счётчик {counter} отвязан {where}, подписка на него тоже удалена.",
    "counters_title": "<b>Счётчики {where}</b>",
    "counters_footer": (
        "{uploadings_cmd} <code>&lt;id&gt;</code>: загрузки · "
        "{subscribe_cmd} <code>&lt;id&gt;</code>: уведомления"
    ),
    "counter_subscribed": "🔔 подписка есть",
    "counter_not_subscribed": "🔕 без подписки",
    "counter_suspended": "⏸ здесь приостановлен: токен, с которым его привязали, не работает",
    "subscriptions_title": "<b>Подписки {where}</b>",
    "uploadings_title": (
        "<b>Загрузки звонков</b> счётчика {counter}\n{first}–{last} из {total}, сначала новые"
    ),
    "uploadings_empty": "У счётчика {counter} пока нет загрузок звонков.",
    "uploadings_footer": "Подробнее: {uploading_cmd} <code>&lt;id&gt;</code>",
    "uploadings_as_of": "🕒 по состоянию на {time} UTC · ↻ обновит",
    "uploadings_note_rate": (
        "⏳ Это сохранённый список: вы достигли {limit} запросов к Метрике в минуту. "
        "↻ снова заработает через {seconds} с."
    ),
    "uploadings_note_quota": (
        "⏳ Это сохранённый список: дневная квота Метрики почти исчерпана (остаток оставлен "
        "для уведомлений). Свежие данные после {time} UTC."
    ),
    "uploading_rows": "строк {valid}/{total} прошли проверку",
    "uploading_calls": "звонков {static} статических, {dynamic} динамических",
    "uploading_title": "<b>Загрузка {id}</b> счётчика {counter}",
    "uploading_created": "Создана: {time}",
    "uploading_status": "Статус: {status}",
    "uploading_rows_full": "Строки: {valid} из {total} прошли проверку",
    "uploading_calls_full": "Звонки: {static} статических, {dynamic} динамических",
    "uploading_id_type": "Идентификатор посетителя: <code>{kind}</code>",
    "uploading_comment": "Комментарий: {comment}",
    "meaning_PREPARED": "Метрика подготовила загрузку; обработка ещё не началась.",
    "meaning_UPLOADED": "Файл загружен и ждёт обработки (обычно до 2 часов).",
    "meaning_EXPORTED": "Данные переданы на сопоставление.",
    "meaning_MATCHED": "Идентификаторы посетителей сопоставлены; дальше финальная обработка.",
    "meaning_PROCESSED": "Готово: звонки есть в отчётах Метрики.",
    "meaning_LINKAGE_FAILURE": (
        "Ни один звонок не удалось связать с визитом. Частые причины:\n"
        "• идентификатор посетителя (ClientID, UserID или yclid) неизвестен Метрике;\n"
        "• визит был после звонка или больше чем за 21 день до загрузки;\n"
        "• звонки со StaticCall=1 никогда не связываются с визитами.\n"
        "Статические звонки всё равно видны в отчётах по звонкам."
    ),
    "meaning_unknown": "Метрика сообщила незнакомый мне статус; показываю его как есть.",
    "meaning_all_invalid": (
        "⚠️ Ни одна из {total} строк не прошла проверку: проверьте столбцы и значения в файле."
    ),
    "pick_uploadings": "Загрузки какого счётчика показать?",
    "pick_uploading": "У какого счётчика загрузка <code>{uploading}</code>?",
    "pick_subscribe": "На какой счётчик подписаться {where}?",
    "pick_unsubscribe": "От какого счётчика отписаться {where}?",
    "subscribed": (
        "🔔 Подписка оформлена: сообщения о загрузках счётчика {counter} будут приходить "
        "{where}{place}: {hears}{silence}. Уже существующие загрузки я не присылаю."
    ),
    "subscribed_already": (
        "Подписка на счётчик {counter} {where}{place} уже есть: {hears}{silence}. "
        "Ничего не изменилось."
    ),
    "subscription_changed": "🔔 Подписка на счётчик {counter} {where} изменена: {changes}.",
    "changed_hears": "теперь {hears} (было: {old})",
    "changed_silent": "теперь без звука",
    "changed_loud": "снова со звуком",
    "changed_place": "перенесена в {topic}",
    "place_topic": ", в {topic}",
    "place_general": ", в General",
    "topic_named": "тему «{name}»",
    "topic_numbered": "тему {id}",
    "topic_general": "General",
    "hears_all": "все изменения",
    "hears_final": "итоговые статусы",
    "hears_failures": "ошибки",
    "hears_all_long": "каждая смена статуса",
    "hears_final_long": "только PROCESSED и LINKAGE_FAILURE и предупреждение о зависшей загрузке",
    "hears_failures_long": (
        "только LINKAGE_FAILURE, загрузки, где ни одна строка не прошла проверку, "
        "и предупреждение о зависшей загрузке"
    ),
    "silence_on": ", без звука",
    "subscription_silent": "🔕 без звука",
    "subscription_topic_named": "📌 тема «{name}»",
    "subscription_topic_numbered": "📌 тема {id}",
    "subscription_general": "📌 General",
    "subscriptions_footer": (
        "Кнопки: ▸ меняет, о чём сообщает подписка, 🔔/🔕 включает и выключает звук. "
        "{subscribe_cmd} из темы форума переносит подписку в эту тему."
    ),
    "button_filter": "{counter}: {hears} ▸",
    "button_sound_on": "🔔 со звуком",
    "button_sound_off": "🔕 без звука",
    "button_details": "🔎 Подробнее №{id}",
    "button_details_of": "🔎 №{id}",
    "button_add_group": "➕ Добавить в группу",
    "button_add_channel": "📣 Добавить в канал",
    "bot_description": (
        "Я слежу за загрузками звонков в Яндекс Метрику и сообщаю в чат команды, когда меняется "
        "их статус (PROCESSED, LINKAGE_FAILURE, зависшие загрузки). Сохраните токен Метрики "
        "здесь, в личном чате, привяжите счётчик в группе или канале и отправьте /subscribe: "
        "на весь чат или в одну тему форума, обо всех изменениях, только об итогах или только "
        "об ошибках, со звуком или без."
    ),
    "bot_short_description": (
        "Загрузки звонков в Яндекс Метрику: смена статусов в чате или теме форума команды."
    ),
    "unsubscribed": "🔕 Подписка на счётчик {counter} {where} отменена.",
    "lang_set": "Язык этого чата: русский.",
    "menu_start": "Что умеет бот и с чего начать",
    "menu_help": "Все команды",
    "menu_token": "Сохранить, проверить или удалить токен Яндекса",
    "menu_link": "Привязать счётчик Метрики к этому чату",
    "menu_unlink": "Отвязать счётчик",
    "menu_counters": "Привязанные счётчики",
    "menu_uploadings": "Загрузки звонков, сначала новые",
    "menu_uploading": "Одна загрузка подробно",
    "menu_export": "Все загрузки файлом CSV",
    "menu_chart": "График загрузок по дням",
    "menu_subscribe": "Уведомлять этот чат о смене статусов",
    "menu_unsubscribe": "Больше не уведомлять",
    "menu_subscriptions": "Подписки этого чата",
    "menu_lang": "Язык: ru или en",
    # --- monitor notifications ---
    "notify_header": "📊 {counter}",
    "notify_counter_ref": "<b>{name}</b> ({id})",
    "notify_counter_id": "<b>{id}</b>",
    "notify_uploading": "<b>№{id}</b>",
    "notify_new": "🆕 Новая загрузка {uploading}: {status}",
    "notify_status": "🔄 Загрузка {uploading}: {old} → {new}",
    "notify_stuck": "⏳ Загрузка {uploading} обрабатывается дольше обычного: {status}",
    "notify_comment": "💬 {comment}",
    "notify_created": "Создана {created}",
    "notify_numbers": (
        "Строк прошло проверку: {valid} из {total} · звонков: {static} статических, "
        "{dynamic} динамических"
    ),
    "notify_all_rows_invalid": (
        "⚠️ Ни одна строка не прошла проверку: проверьте столбцы CSV (идентификатор посетителя: "
        "ClientId, UserId или Yclid, и DateTime в формате Unix time) и форматы значений, затем "
        "загрузите файл снова."
    ),
    "notify_linkage_hint": (
        "Частые причины: идентификатор посетителя неизвестен Метрике; визит был после звонка "
        "или больше чем за 21 день до загрузки; звонки со StaticCall=1 не связываются с "
        "визитами. Проверьте, что идентификаторы собраны на сайте этого счётчика, и загрузите "
        "файл снова."
    ),
    "notify_metrica_link": '📈 <a href="{metrica_link}">Счётчик в Метрике</a>',
    "notify_topic_gone": (
        "⚠️ Я больше не могу писать в {topic} (её удалили или закрыли), поэтому уведомления "
        "теперь приходят сюда, в General. /subscribe, отправленная в другой теме, перенесёт их "
        "туда."
    ),
    "notify_login": " (логин <b>{login}</b>)",
    "notify_token_owner": (
        "🔑 Метрика отклонила ваш сохранённый токен{login}: его отозвали или срок истёк. "
        "Я перестал проверять счётчики, которые он обслуживал. Пришлите сюда /token с новым "
        "токеном (или войдите снова: /login), чтобы возобновить."
    ),
    "notify_token_unreadable": (
        "🔑 Я больше не могу прочитать ваш сохранённый токен Яндекса: ключ шифрования бота "
        "сменился. Счётчики, которые он обслуживает, я больше не проверяю. Пришлите его снова "
        "командой /token здесь, чтобы продолжить."
    ),
    "notify_token_chat": (
        "🔑 Токен Яндекса, с которым здесь привязаны {counters}, перестал работать (отозван "
        "или истёк). Этот чат ничего о них не получает, пока владелец не сохранит новый токен "
        "или админ не привяжет их заново работающим токеном: /link."
    ),
    "notify_token_chat_unreadable": (
        "🔑 Я больше не могу прочитать токен Яндекса, с которым здесь привязаны {counters} "
        "(ключ шифрования бота сменился). Этот чат ничего о них не получает, пока владелец не "
        "пришлёт его снова командой /token или админ не привяжет их заново работающим токеном: "
        "/link."
    ),
    "notify_link_denied": (
        "🚫 Токен Яндекса, с которым здесь привязан {counters}, потерял к нему доступ. Этот чат "
        "ничего о нём не получает, пока админ не привяжет его заново токеном с доступом: /link."
    ),
    "notify_access_owner": (
        "🚫 Ваш токен Яндекса{login} больше не видит {counters}: чаты, где вы его привязали, "
        "теперь ничего о нём не получают. Верните доступ в Метрике и пришлите /token снова "
        "или попросите привязать его того, у кого есть доступ."
    ),
    "notify_links_resumed": (
        "▶️ {counters}: токен, с которым они здесь привязаны, снова работает, и чат снова "
        "получает о них новости. Что изменилось за это время, не пересылается."
    ),
    "notify_quota": (
        "⏸ Дневная квота запросов к Метрике исчерпана у всех логинов Яндекса, через которые "
        "проверяются {counters}. Проверки возобновятся после {resets}."
    ),
    "notify_counter_gone": "🚫 Счётчика {counter} больше нет в Метрике. Я перестал его проверять.",
    "notify_counter_denied": (
        "🚫 Токен, через который проверялся счётчик {counter}, потерял к нему доступ. "
        "Я перестал его проверять; привяжите счётчик снова токеном, у которого есть доступ."
    ),
    # --- /export и /chart ---
    "pick_export": "Загрузки какого счётчика выгрузить?",
    "pick_chart": "График какого счётчика?",
    "chart_days_range": (
        "⚠️ График строится за период от 1 до {max} дней, а не <code>{days}</code>. "
        "Например: {chart_cmd} <code>7</code>: за последнюю неделю."
    ),
    "export_caption": "📄 Загрузки звонков счётчика {counter}: {count}, сначала новые.",
    "report_as_of": "🕒 данные на {time} UTC",
    "report_note_rate": (
        "⏳ Из сохранённого списка: вы сделали {limit} запросов к Метрике за минуту."
    ),
    "report_note_quota": (
        "⏳ Из сохранённого списка: дневная квота Метрики почти израсходована (остаток "
        "оставлен для уведомлений). Свежие данные после {time} UTC."
    ),
    "chart_empty": (
        "📉 У счётчика {counter} нет загрузок звонков с {first} по {last} (UTC), рисовать "
        "нечего. За период подлиннее: {chart_cmd} <code>{counter_id} {max}</code>."
    ),
    "chart_caption_title": "📊 {counter}, {first} – {last} UTC ({days} дн.)",
    "chart_caption_uploadings": (
        "Загрузок: <b>{uploadings}</b> (✅ обработано {processed}, "
        "❌ ошибок связывания {failed}, ⏳ не завершено {unfinished})"
    ),
    "chart_caption_rows": "Строк: <b>{valid}</b> из {total} прошли проверку ({share})",
    "chart_caption_linked": "Связано: {processed} из {finished} завершённых ({share})",
    "chart_title": "{counter} · {first} – {last} (UTC)",
    "chart_axis_uploadings": "загрузки",
    "chart_axis_rows": "строки",
    "chart_axis_day": "день (UTC)",
    "chart_processed": "обработано",
    "chart_failed": "ошибка связывания",
    "chart_unfinished": "не завершено",
    "chart_rows_total": "строк отправлено",
    "chart_rows_valid": "строк прошло проверку",
    # --- /login, /logout (Yandex device-code login) ---
    "help_login": (
        "{login_cmd}: войти через Яндекс (код для подтверждения на странице Яндекса, только в "
        "личном чате)"
    ),
    "help_logout": "{logout_cmd}: выйти: отозвать токен в Яндексе и забыть его здесь",
    "menu_login": "Войти через Яндекс",
    "menu_logout": "Выйти из Яндекса",
    "login_private_only": "🔐 Войти через Яндекс можно в личном чате со мной: кнопка откроет его.",
    "button_login_private": "🔐 Войти в личном чате",
    "login_code": (
        "🔐 Чтобы подключить аккаунт Яндекса, откройте страницу по кнопке и введите код\n\n"
        "<code>{code}</code>\n\nОн действует {minutes} мин. Когда вы подтвердите вход, я "
        "изменю это сообщение."
    ),
    "button_login_open": "Открыть Яндекс",
    "login_connected": (
        "✅ Подключён аккаунт <b>{login}</b>. Токен хранится зашифрованным и обновляется сам; "
        "{logout_cmd} отключает."
    ),
    "login_missing_scopes": (
        "⚠️ Яндекс выдал меньше прав, чем я просил, без: {scopes}. Без "
        "<code>metrika:offline_data</code> не будет работать загрузка звонков, без "
        "<code>metrika:read</code> я не вижу счётчики. Выполните {login_cmd} ещё раз и "
        "разрешите всё."
    ),
    "login_denied": (
        "❌ Вход отклонён на странице Яндекса. Попробуйте снова кнопкой или сохраните токен "
        "командой {token_cmd}."
    ),
    "login_expired": "⌛ Код истёк, прежде чем его подтвердили. Кнопка выдаст новый.",
    "login_error": (
        "При входе что-то пошло не так. Попробуйте снова кнопкой или сохраните токен командой "
        "{token_cmd}."
    ),
    "button_login_again": "🔁 Попробовать снова",
    "err_login_disabled": (
        "Вход через Яндекс не включён владельцем этого бота. Сохраните токен: {token_cmd} "
        "<code>&lt;OAuth-токен&gt;</code>."
    ),
    "err_login_unavailable": (
        "Вход через Яндекс сейчас недоступен: Яндекс не принимает приложение этого бота "
        "(владелец бота предупреждён). Пока сохраните токен: {token_cmd} "
        "<code>&lt;OAuth-токен&gt;</code>."
    ),
    "err_yandex_busy": "Яндекс не ответил. Попробуйте ещё раз через минуту.",
    "logout_done": "👋 Вы вышли: токен отозван в Яндексе (где это возможно) и удалён здесь.",
    "logout_none": "Вы не вошли: забывать нечего.",
    # --- /upload ---
    "help_upload": (
        "{upload_cmd} <code>[счётчик] [комментарий]</code>: подписью к CSV со звонками (или "
        "ответом на него): загрузить его в Метрику вашим токеном и следить за ним здесь"
    ),
    "menu_upload": "Загрузить CSV со звонками в Метрику",
    "usage_upload": (
        "Пришлите CSV-файл со звонками с подписью {upload_cmd} "
        "<code>[id счётчика] [комментарий]</code> или ответьте так на сообщение с файлом. "
        "Файл: UTF-8, разделитель — запятая или точка с запятой, в заголовке один из столбцов "
        "<code>UserId</code>, <code>ClientId</code>, <code>Yclid</code> и <code>DateTime</code> "
        "(unix-время). Комментарий — не длиннее 255 символов."
    ),
    "upload_done": "📤 <b>Загрузка {id}</b> счётчика {counter} создана.",
    "upload_rows": "Отправлено строк: {rows} (Метрика насчитала {total})",
    "upload_following": "Я сообщу в этот чат о каждой смене её статуса, пока она не завершится.",
    "err_upload_scope": (
        "Метрика отказала в загрузке: ваш токен Яндекса позволяет только читать. Для загрузки "
        "нужен токен с правом <code>metrika:offline_data</code> (или <code>metrika:write</code>): "
        'на <a href="https://oauth.yandex.ru/">oauth.yandex.ru</a> дайте приложению право '
        "«Загрузка в Метрику офлайн-данных» (или «Редактирование счётчиков»), получите новый "
        'токен и пришлите его командой /token в <a href="{private_link}">личном чате</a> со мной '
        "(или войдите там командой /login: она просит это право)."
    ),
    "err_several_counters": (
        "Несколько счётчиков привязано {where}: {counters}. Укажите один: "
        "{upload_cmd} <code>&lt;id счётчика&gt; [комментарий]</code>."
    ),
    "csv_title": "❌ Файл не отправлен в Метрику:",
    "csv_item": "• {problem}",
    "csv_more": "• …и ещё проблем: {count}.",
    "csv_rules": "Исправьте и пришлите снова ({help_cmd} описывает файл).",
    "csv_at_line": "строка {line}",
    "csv_at_cell": "строка {line}, столбец <code>{column}</code>",
    "csv_too_big": "файл больше {value} МБ — столько бот скачать не может",
    "csv_empty": "файл пуст",
    "csv_not_utf8": "текст не в UTF-8 (сохраните файл как «CSV UTF-8»)",
    "csv_unreadable": "CSV не читается (не закрыта кавычка?)",
    "csv_no_name": "у столбца нет названия",
    "csv_unknown_column": "неизвестный столбец <code>{value}</code> (известные: {known})",
    "csv_duplicate_column": "столбец встречается дважды",
    "csv_no_id_column": (
        "в заголовке нужен один из столбцов <code>UserId</code>, <code>ClientId</code>, "
        "<code>Yclid</code>"
    ),
    "csv_several_id_columns": "столбец идентификатора может быть только один, а не {value}",
    "csv_no_time_column": "в заголовке нужен столбец <code>DateTime</code> (unix-время)",
    "csv_no_rows": "под заголовком нет ни одной строки",
    "csv_empty_row": "пустая строка",
    "csv_cell_count": "число значений не совпадает с заголовком (значений / столбцов: {value})",
    "csv_required": "значение не указано",
    "csv_not_unix_time": "«{value}» — не unix-время (целые секунды с 1970 года)",
    "csv_not_flag": "«{value}» должно быть 0 или 1",
    "csv_not_seconds": "«{value}» должно быть целым числом секунд",
    "csv_not_number": "«{value}» — не число",
}
