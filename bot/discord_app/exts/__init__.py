"""One extension per feature; each module ends with `setup(bot)` adding its cog."""
