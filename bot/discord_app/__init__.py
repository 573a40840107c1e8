"""The Discord layer: one bot subclass (`PrepBot`), one cog per feature in `exts/`, one error
handler (`errors`), one place that renders embeds (`render`) and one that splits text (`text`).

Everything slow (embedding, search, grading, SQLite) runs in worker threads; the core
(`bot.core`) knows nothing about Discord.
"""
