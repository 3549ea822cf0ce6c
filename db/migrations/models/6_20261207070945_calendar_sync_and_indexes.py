from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        ;
        CREATE INDEX "idx_appointment_series__7cd100" ON "appointments" ("series_id");
        CREATE INDEX "idx_slots_rule_id_481af5" ON "slots" ("rule_id");""",
    "postgres": """
        COMMENT ON COLUMN "scheduled_events"."kind" IS 'CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request
MANAGER_ALERT: manager_alert
CALENDAR_SYNC: calendar_sync';
        CREATE INDEX IF NOT EXISTS "idx_appointment_series__7cd100" ON "appointments" ("series_id");
        CREATE INDEX IF NOT EXISTS "idx_slots_rule_id_481af5" ON "slots" ("rule_id");""",
}

DOWNGRADE = {
    "sqlite": """
        DROP INDEX IF EXISTS "idx_slots_rule_id_481af5";
        DROP INDEX IF EXISTS "idx_appointment_series__7cd100";
        ;""",
    "postgres": """
        DROP INDEX IF EXISTS "idx_slots_rule_id_481af5";
        DROP INDEX IF EXISTS "idx_appointment_series__7cd100";
        COMMENT ON COLUMN "scheduled_events"."kind" IS 'CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request
MANAGER_ALERT: manager_alert';""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXW134rjZ/is6fOnMOex0QjKZaban55CEzNBNIAWm0+3mOY7BIrgxEvVLEtruf38k2c"
    "ZvsrEcY4yjDzsbbN0yXJKl+7rf9N/WEmvQsD50VyusI3sJkd06A/9tIXUJyR+8223QUler"
    "4Ca9YKtTg7VXg4bshjq1bFOd0U7nqmFBckmD1szUV7aOEbmKHMOgF/GMNNTRQ3DJQfq/Ha"
    "jY+AHaC2iSG7/9H7msIw2+QIt+/K1l2appW4rKvhX5YDtWizT6rbWy1rMFNvCDbvn3vIbs"
    "9szQvZ8yM6FqQ43dod2vHpW5Dg0tgoKu0absumKvV+xaH9lXrCH99lNlhg1niYLGq7W9wG"
    "jTWnef9gARNOnzyDXbdCgc9Nd66PkIub88aOL+5JCMBueqY9gh+KZKcK2lKIPhRBn3JorS"
    "EgB8hhEdLJ0OHf31D/Qr/NQ5Ovl88uX49OQLacK+5ubK59/dRwfAuIIMnsGk9Tu7r9qq24"
    "KNWQCqN1wJYC8WqtlDzpKh2ydfSUUzmEA5kI4hTX5CHGkf1yyo/QsB1sF83QCL4HNLDO3W"
    "oPeDAAyf79DFcHDVH930Ls8AQXqum0uo0as3t9e9iXt1uTKgza52Bxe962t2lf58w6BXB0"
    "Nl/G1I+8OKtcDud9k+jkv1RTEgerAX5OPRx4xB+3t3dPGtO3p39PE97RuTN9d9rQfenQ67"
    "Rcc1Mo7BOxgdyksyALa+hPwXJSIYG0XNk/zg/7GrMd3hC5QB9KR/0xtPuje3tPulZf3bYH"
    "B1Jz16p8OurmNX353GBmXTCfjRn3wD9CP453DQY3Biy34w2RODdpN/tuh3Uh0bKwg/K6oW"
    "xsS/7F+KDLLmEODJ71eWOkqO83ipGkbqghiX3b40ljW4px93uzYedz6fbpZF+iFrRRzfdK"
    "+v/WUxtMNCMr/Rg2Lo6JG/GPJRjctVuAwKroH5UY2sVJ8+5lmqSKvUtYrd46PN29G3Y83d"
    "2g8f6U4upDsZSHeSSM9U0r+mmkoxyFPEJfa5sPf1iyTi5xgbUEUpoIflYlBPieCusN5cqX"
    "YXPh8OryMb8Hl/EkP5+815j+hDDHzSSLdhWLnlIF5AD4rLlqAKeTxBakLla0LspmpZ+gMS"
    "fr8SsvIdE3jHGHouHSqGfFhWIi+yunlGkum6KF2P9lDhLh5YekRY+8V1vzeYEPLNpO/Q7f"
    "jXi2/D6+HX/phcDRuX7tBNd9D92hudgaWK1Ado3qHu5U1/cAZUjRCeO0Tg7H0ddSf9IblG"
    "xg0+uHToDo1/HU96N2fAWls2XBZi8508bL6TzuY7cdVhZeru8OW0dm3aF2J1NdunyjF5hX"
    "VguuAoZO5bmEObJ/AlBdWEYKE3pmboZmkBvX9MImuVP0Xf3XT/8T6iBFwPB1/95qEpfXE9"
    "POeibxTTyWKyUiers05mENS93V1QL4hJSq2ggFZQ4O2KSDbQ9NsiP1AbImPtvfcH8rJ5S1"
    "Tmu+astIKjHpWUo16XUecssd63D73rTBHm2vBSVcOITHVG/wPSD8NEQgxbjqREmIOwBU0d"
    "WmLYRmR2RGsOz5EfwfSJkD5hUENCkixyYDWw4CIQkpCAJgG19dkjFIQ0IiNB5RhhZ7b+BB"
    "XxyZoULAXegw+RokFn80d+hBTBKonwFTah/oB+geuEyTWGqBe8N/a6OayJ+7s/gfyrwVc0"
    "1edNkF54ESQ/nfxg6PJV8nww+H593eLosSWAerHp6MA0rLy4RrT3CLIjQiZG/YtJK1WXLQ"
    "Hf21h3DUWZo8fnwNpTpspYG4KeGro8RPTOHCuEqwGUAO1k01EzkY2oSjmAdWlVOXPW6+ig"
    "aJjAjA3oZwquVGmYqrPHZ9XUlBTtwYRPOnzmAH7uCV79MoIGc0WmYz1inTRoAY5MSfjk5y"
    "kUR2g8W0DNMaDWe2qWQsAmGe5g7uQKafNJ+IYITjD5Z7f66V41/7wvc5L1pGzvkTc6ijq9"
    "tews41dYtIHmfUP6ffxcHUfT7WtMv3syj8e/185M4qGtFMNrti2Dp/VjgcFsoSLybcDzQr"
    "XbYG7iJfkTmvBDKwbn9tZ58n7Im6bbLJTE/YtiK5a+c64/vJUMnj91OsfHnzsfj0+/fDr5"
    "/PnTl48bnpq8lUVYz/tfKWdth30Q2/N8yNzBZnIA8sUNbYSrCxkSH5A3HC7Exkcx4Zw/wK"
    "mmoECocRHdpyc5QD49SQWZ3opZhrFj8theOsKBROPgPTrNM4fjrtLQHD7lzGGdF56VOYH5"
    "OmGtlqWCAJ/kSUg4Sc9HOEmkIwS7dV6AA4kGAtzJs0B00heITmKBCJSgBMapSk5ERvqOOa"
    "4OqtEkAf3reDhIyXP02scjW/SZDf4HjB0aMlt/njuIrUlg6uiGrSPrA33sX3a1JGfgSPGh"
    "PaeHcsajNtvRaBXaQSKUU4aaNSzoKC3ULOEOSzd1Je0T5ZHoc5PQkUWLQ6G9O+0sAj1lbe"
    "DuK2DIihVVVqxg/xfQYvz25egw+4V290mrZF0gS0dKQZAUPTwQaRzPOc6F8XEGxsdJjOke"
    "9x+MhGZxWKZClHuOiVfwjzfYmmHRqiu1Ye5Sb5F6S4aLzjMBvtIDdeP20hxPMy/W4bVeuq"
    "bFOXC8c+Vpv15wE0f7DcKe0rVf1would9mKb82NKgrYsm1MmV502KCjYn6rMStFoqvWwjq"
    "bRuBUnKHa8U+cpGPDO6RSHqnUClP0NRJl6KlJZLCMotUIIvUQT50ivAU58k2IVN+1/N9v4"
    "aMGpHsnRgyHKKyiiIclmneDC6fWBsqenCI8iqCcVimwplsOtXM5S85MP6SCvEXaSqqb5BH"
    "jnLI+wj4mGLhwkrnw8kZIHJ3qH9zOxyRD/pyhU03Lup795qFRTmqcYe6t/0zoK701v5fha"
    "mBZ4+0eBUv2DVTN4xJSsVQpLyIXwHUxo8QKQvVWoisRSniTSND0mYtbdayrIsc9eSo+xjF"
    "y7oU8lTEz/UobomPHSVyYHMhl8sCYfu1/grXzj4gHTUVJOzYU/zyOpSGmz4Oix3ndXxx8y"
    "UF3V75UiUPcgq5GaivhKhpaboRhJ5V3Ta4CfkiEP3weukh21w3aTIJ+VADVBcUSH7qow+r"
    "nwKZ4xVtVHWO3wt5mtk+l+pt9nfBbR5nZbPvbs9Z7ALLVudzsITLKTT/YAEqCzACqpfEde"
    "Y2+AkTva8NEHyCJqBnLiFgY2AvoNcsmd9Yas95ciHlWWb7d44THXuBTaWwj5wv36D6UxU7"
    "yz08Rb0wMTHp7srj7rLhC2cjTK9t7rdvRGZXli1gJzXNpXGuYWaaPMY5WX23rE08YfySpe"
    "HKLA130R1fdC97WQWKdhm32tOcmer96gSZCG5mcolIRTYYkZHBrIf0qmfp62R91vlJ/9lH"
    "mYblqltTD+AU05WJGXGxddsQi1KNCzZO6d5RIpcgzhJfIXwfyQ8Tgddv3zh0j3Khe5SB7l"
    "ES3TVUORWhspdeX6ZBRpFSFl55hES1NEHWOS5CGbbVOd4zcSDDtpyQtevR/a0J7hC5n0kf"
    "5qSlYoebbvVFXDkIQQOQ72asbX1mATwHKqAdnTF/gGXDlUWuuO5O8Ey4F7luYudh0QbPur"
    "0A1GJjJV0RZXYsGUy9GIxXfRk51MskpgjGBBtXnaL8kEj3paYACQAdEWqEsbsCzZAtSUmU"
    "04tubQTqUXWLPk9W3ZLOhgN2NshI4KaNegmRwLtUvvvoSefH/3h3MhVunbXJH/ZDxteAPz"
    "kWJHsDeiT6rmqDpfoILfC8wCwYB68gsoBuE83YK9DSJjq0W58ZYJNcDrOZnxNq9y4ecodI"
    "U/iy0k2pj9dSH5+RmSmiHfrtG6d9n+RJvjtJz747SaTfmTjN1L09L9KXrdAuuwzKMYlkRm"
    "6rC59eUz6+AOVS3kuvou2rfFNOoees0LeoXJMskBXHvHm7QwG9LSrZQL3tcPU0jnpuFXjJ"
    "QkIN8p9U/IIxEAuwIqtMSlSzkWjSmyXNHekv3GES35oXGfcLd3KYb6imZzr1DZcPlcFpja"
    "GSe620WEuoK97oZXm0XeaLSDqvoyKUveSiRjrhe+xwSs4ak1XSKCJXYUEjf9k53HpGUr18"
    "I+plpHYYOwpGLDIvItMgvr6rkLzp5kieVwbjBWf7HBa+eaPwIhNL+GjxXVIhr5ILhwkFNV"
    "7SiVBQS2a7C7D3BM01WELLIt+EptyrYEU4FEZt8Gzqtg0R0BELjyMdIcs96pFGzrHUfHZw"
    "sevPm6mOBakLLxl4t6Nn5KkGQKa46zFF2FamcE5eAVkMoGJXIBk5Ye4WEpI+kMLMTeaiV5"
    "iLbsKVsVaWqvnorJKgp4fsxeVeFblXz524shC9lWpaUFkKBh9EpZpXb7x877YGNWelPEKh"
    "U4wjQo0L9Dg6zRX/e5oR/3sq8+6qO4V7oxkWMbxthCsEegWR5iXRiFjebnuDy/7g6xnw5O"
    "/Q2L9iha5M2Ef7Dl11+9e9S/oNdANqd+iiO7joXbNLM4qFQa4Wsdcd5QuPz4iOTxzbEaj0"
    "iWHMtiBFJRtoQToQi1EuP7RKCOJyxatrmZ0hG5aTxQki5XNUMqs1xUG2bggbX+PCMoijzi"
    "+PodKyLaaJhZLiolKNUyZ2U4LC9zZ7dq7i7upoBw0yeFds/ZAepvQBaa6HiWqxBYY8JCZ3"
    "tDrvaPsp/lezAS3HZl+nsikNBDjDRVt9ccWa4ZvXRZteWzFw0aZN5BLgFSxHc6Agb6tGs2"
    "9veGQUOD7x+Cjlq2Yp44Sb5WeWJ7K/5TDhGnmCdhImrE6xI+TL3wg0wHxTtSufe5LyFmsz"
    "9yDlQ9Z9yzA1W/BFSdN101eGqFQD5u+uC3ItdeQBphSYuklpOYuj8Kovr4E3IS3hjXI2Fg"
    "uqGgpVo9XV2gVGYL1I7aBxS8dOVIsEfJpjbqr8Fx6DcCdyHPKMw5I8jEahqRynbDrwUSmJ"
    "dC5lWtPYuQVkujLkhEoscoVlucVsJbxALKf1qBtiIxNIyOEofTgIFPwDeNPHIyQiB6T0Ad"
    "mYrWhNPZEdIyHYuE1jJwEelm5DYawjQhLnPDg/PQqjHBKRGOfBmFL+lanPODQr00ywkWkQ"
    "hS3NiU6HTRjUsIwENQmqbtHUKKJG8Jw6WwozhAQrrMywuXKwpRkWqqXMFrqhmZBjA8hEPS"
    "4qcRfAXTUMhZ4z4q4IKWlsmfCn9CBHQWAU5rpp2crchIVGgCMt0RdZe6CxUhYq0oqAnxSW"
    "2Atgb8GZCW0CoMWpHpLlrouIlZI/WyN3fvnuuplKOtdUU7HxI0TCeKeIS9y34b7EyF4Ya8"
    "IVlzrHIb3FjRcXri6nrHMASWXuAVoKnnu+TouoIPhJ13h6eyrG2Z00JomvNHJEsxH+g5Hg"
    "ybeBTIXGkp5j4hX84w22Zvi5GstJ+QuIoaIHhxsCkJVLF8hUiLfpVAOyLMN42DqfTJJLn+"
    "jNTZKTh5o1bdR9jF5xqFnIELVaYYLHkqpgnIXYk776ZQSNtBgfLzWjG/R0gHMhLYEm8i5B"
    "zZmlhEuJINULd9NEnIKqlMVBCqpfHpZXJBdAVkqAhQhA400fTZxCloFfuyCNSRdNhkcxHe"
    "PVk4j0M3KMQ9y9c+Hknvn9SpAmrJOGLkXPqm4b3BRaEYh+eL30kG2uG4TULnNdR/BJh88t"
    "Tpard6edld9qsjY7yGz9LawTtlw9c4FNt5ayTHndU8qrNwgJYPMVMQyk61zvt3Vx3WflCV"
    "2TcOknf3bylCXspJcl7CQOdCGrolumUcS9EEg1KAqoDMdC/WtYNybtVdoC0yf0YVqF8tgC"
    "Qxu7WOmfpGCTSvXvqvRPTI+KYi1coKaZ9rV2rEBNcqZF6tNcdMcX3cvevsrTjGcLqBG6rP"
    "WeIOIWqIm1yFThLb+tAp98++v2Y1y6YGWoCEENeKenzLEJVARCyP0MLMd80p+gBcjiYaum"
    "bbWB6SALYDLFkqe2lNNlHi7BqpbHmUTo7BaNdEB2FnluS6XkIr32/HZqUX0d+iLEYji46o"
    "9ulFHvb997lEsQgOe6uVRMSJ5rEaoRtLjpDy57I6XT+RZutqTfyCRXF7y2R9y2R6Rt9/tk"
    "qLiF1c8A25zd0uq0Evt43B8ONr3QquyWRb7wpoc7NOr9vd/7EXxtl/QH39o7a1HpXvdGk8"
    "2Ji4pqQJP+JnJ5cNkdKeNfBxe0prsXTGat0awIgerkibLopEdZdBJRFt7rLqiCBlINVD8P"
    "RN3kOCGT+ubbPXhh9H0wYFfIFonYlUuC8RnQMIL8gxZIi9Hw9pZe00y8WtEr0QMaCtk8Sj"
    "+KQdbob5Vr9ZA1+t/Ogogde4bFaueFRBpg56og4VWattLRb65pa64j3VoUGvaYqFxB67yC"
    "ShOmNGFKE+ZrTJhu2BjPdLkJKMswWQZtthoqf0D4aKx9q4ZFT3km7Mdz7gKau8w+h926bT"
    "DF+JHaIe0UU2VZncqS3vUyQT6TcRXmlBuhJi3lpXBKqQO/QR14P+fl1G6AG3dgThMRztA5"
    "qz8xp24A59U004/MGZG1ZNS/mNTpyJxDRXnbmTkB1nVOuKqnTaLaiGvCcJ5oATY++Xnyar"
    "Nlsh/aSB4n1Czusd/jbPa9mVdQdV6wUuLrqiTW0U9YmjLql9pXljonCTWbLcdlq0P39ADc"
    "sLIchSxHUZs1ubk2iqlJOMVCjEdHZBqUM7MrAu3iVQLBO990dFj45mV2kYklfA6q5HS14H"
    "Q0y59H6Lzs/ww255cYKDt/Nm5mccPlN3Ht8ch3757b0HYsGf1eLf2LDIGIHhIRbKAaciBq"
    "R664EUmcdnbwp7toJTDNH+Xt8Hy4u4xupDW7W2LItq5GvR7pjEjeoW+968szsCC/6w4RRv"
    "QLjdF2Ywxa+dDfZV1F+rWKBRNHJWUcXJ3XM8me09+u5rJn6YvetYGV1tQSQzYksSPbxOEp"
    "27HdaLoWgzQqVAqqB89gMuw90q2/C7f+Jk43vjyUALFA2b16LQ95wQ0titKuVk3N1fkcmq"
    "9Eya/iN6R9NejV5xggEztUErkhghNM/ik72qxWW1PeFzq6Jed5p9Pwdr2lSmZmiT9p/SF4"
    "qy94AVs421ZS7OH+lpNtEw/qyuYpRvPsJmSYcOaY9EcyEwmg1PEMwCdorsE9baKp63uagH"
    "G/1JFjw3vwDs+BvYCA3HgPdATu/dNK7nn1aXbwlDvUty3AnABANSFYqhoE6oJwRzBdAxX8"
    "C09/Jg9c4if6PNoJxQXY6iO0gE6E5o7tEDn2TbxukHaHDKjSKjlUwLUJtZmliN4EK9WiOS"
    "jQSi+YE1fmvJ/FqCj7UbIQ594TVbzxEE1V8cSaxLvLMCB701oQ0EBK4iljxCoqUCoP4ar2"
    "9ERp5JZGbmnklvbDOpCxdlH7YR5LV3XHnRwS9d1VzJh3oAeHJQdHfaRz5NCZInkIslesEb"
    "y7cz6eHH9m/36k/57M2d8d9q/qXm8DQh+192fgeUFoLOWQXmUD1aIVDNy6rBq5i5eEg4Jn"
    "1SK81aZ1ZIGNecS54qdvT236bVMxVEa77SXZiR28K6LBBhLl6K81Onj6OM+REMfpR0IcJ4"
    "6EOKxSukSLfHAM1RQkCK1R7+v36+6IFqRl8iwk6lb51h24cVErZaGimhSsPMD4NMLckOiQ"
    "DG97gzNAJe9Qdzzufx3QqDTVsojuRmuJXlwPx6zgqIEt9plTg7QeA0aA4p+O99fxcMBfok"
    "Iica6nz2zwP2DsUBdt/XnuILdu+tTRDVtH1gf6vL/sinZnAE4hitC8xGEh8XNB2lH+RjuI"
    "HxayMuEcmhDNxAYlJlaPgaGPbc7AhCiI2NDEBesxOI16a1IoXfqgbATkYOxgCdNnhJboYp"
    "pvVKqQAlAzuh3bu0/z7N1xU2Bo7z6N792Gjh65Nrt0kEMipSBcI3pRvm4kLeLp0DfXIu6s"
    "tIKjHpWUo16XUefkeCQi+vZTzq9uG1bZ1fzoETrYsQQdS1EpCWwdyyQ2EOAMp131VRJrhm"
    "9eP116kcQgcJW3QpQAbdMOjo9DG1sW84C7V1fzocK8xdMskyp2lVSB4IuthPy9xbFq2lKw"
    "U//8dwtq12S6owl+hKjF8dPHWrSz/PUOaavQt4cMCm2d23OPEfyJ0iIwNfGzBU3AOgHUYA"
    "FUgxKPNYAvs4WKHnzvuH8wAXhHI8TZ4/5ggX/Z+nuec778B8jSovXytpOBEbGFec0b52cv"
    "PzTUJrvfg6kuuVTjXH9InbkxwSbFB/6p0zk+/tz5eHz65dPJ58+fvnzcTOfkrax5fd7/Sq"
    "d2ZDCSjA++rHQTFimcFJVsoFXqcK1QHOOjVczyaDXZ7HjoA5wwLKQzh10qen7CcQ/Z5pqn"
    "50UbZKp5z17TvNqdf2QUEWMJhUy7cjMKU46RIi3YHRWtaQykF/vIUv10k6PelfyEO7QJ5r"
    "z3Al7u3xMZRLMbLXBPXydlbuLl/YcP7gcb37eBhYmC6aWfWW3vG5DHIA0/g3duGpV1h4JE"
    "SZonGcR+Eu2Spq+8/wCudJM8mx5G2gZz9jfLOYda7sjPzZHOIWeUDP+sVCGVwVU1i0zYvL"
    "X8DTYlTS8slLW9NmtrpdslDz4bC4Pnirxp6Pw9QWQtCMvIxaD0xcDdjVOWgzz50GmLwiF7"
    "0MrLMecuFLlg5S4Xbx1UmQ5drc1roz4XTWSoGnWP+Qji3frR7U/6g69nPnO6Q8Orq96Ipi"
    "p4jCNedrfO6QwyZC8d+sMM3pIhe29x1Osbsle7AZahZfUHuFahZXWbwa+PLeNWj5XRT/uu"
    "syGrpO4ppCcKWoanZ4Pqdk+PEoxmHocPLdSoURcLgs+sYKPPJoCNmS/Gd9S4b3Xb9bpYQD"
    "XoTXYuBrgPXNfcOpWlP4NwH3KDdQJW5D9IHWGsCgft/QyowFBXFn0ma6Jb5MlP5A+3muWD"
    "Sn05mLlzLIK3K55efBL6bjbaOee0KuzY1P9DW4R8+NKFU6kLJzQIRQwBIfEDKmkw6f5CP9"
    "Dqq+TTdfeWFTNw5/4door95aj7Y+B6VjWygaB6sH/v9S/AA6OSDeSBh8v7knRfxkK9jWGm"
    "+6MYBQ2LSHbPYfes5LgQpCEJieh2Or9R6l5JNxOxWAcGc17CGX5jt3N6yyu7+Epwc1ZvPF"
    "RMQ6+sKHnfJSvtQlOfLVocOurdaWfxUDVoU+oJwjJjY4/sipBnyzP/5PVph0SqY1SV5W50"
    "Pn3KQYpIq1RWxO5FN336Ugkg7DVvILpHH/NRzizOmXQ5Y2RzLfjpgV0hkerjuvbDPkqL4N"
    "prMP3v/w/SQU9+"
)
