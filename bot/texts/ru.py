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
    "help": (
        "<b>Команды</b>\n"
        "{token_cmd} <code>&lt;токен&gt;</code>: сохранить OAuth-токен Яндекса (только в личном "
        "чате); {token_cmd} без аргументов: сохранён ли токен; {token_cmd} <code>delete</code>: "
        "удалить его\n"
        "{link_cmd} <code>&lt;счётчик&gt; [@канал]</code>: привязать счётчик\n"
        "{unlink_cmd} <code>&lt;счётчик&gt;</code>: отвязать его\n"
        "{counters_cmd}: привязанные счётчики\n"
        "{uploadings_cmd} <code>[счётчик]</code>: загрузки звонков, сначала новые\n"
        "{uploading_cmd} <code>&lt;id&gt; [счётчик]</code>: одна загрузка подробно\n"
        "{subscribe_cmd} <code>[счётчик] [@канал]</code>: уведомлять о смене статусов\n"
        "{unsubscribe_cmd} <code>[счётчик]</code>: больше не уведомлять\n"
        "{subscriptions_cmd}: подписки этого чата\n"
        "{lang_cmd} <code>ru|en</code>: язык этого чата"
    ),
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
    # --- monitor notifications ---
}
