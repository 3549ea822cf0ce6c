from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        CREATE TABLE IF NOT EXISTS "client_notes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "author_telegram_id" BIGINT,
    "author_name" VARCHAR(200) NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE CASCADE
) /* A staff member's note on a client: staff-only, never shown to the client. */;
CREATE INDEX IF NOT EXISTS "idx_client_note_client__1359b5" ON "client_notes" ("client_id", "created_at");
        ALTER TABLE "appointments" ADD "cancelled_at" TIMESTAMP;
        ALTER TABLE "appointments" ADD "late_cancel" INT NOT NULL DEFAULT 0;""",
    "postgres": """
        CREATE TABLE IF NOT EXISTS "client_notes" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "author_telegram_id" BIGINT,
    "author_name" VARCHAR(200) NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_client_note_client__1359b5" ON "client_notes" ("client_id", "created_at");
COMMENT ON TABLE "client_notes" IS 'A staff member''s note on a client: staff-only, never shown to the client.';
        ALTER TABLE "appointments" ADD "late_cancel" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "appointments" ADD "cancelled_at" TIMESTAMPTZ;""",
}

DOWNGRADE = {
    "sqlite": """
        ALTER TABLE "appointments" DROP COLUMN "cancelled_at";
        ALTER TABLE "appointments" DROP COLUMN "late_cancel";
        DROP TABLE IF EXISTS "client_notes";""",
    "postgres": """
        ALTER TABLE "appointments" DROP COLUMN "late_cancel";
        ALTER TABLE "appointments" DROP COLUMN "cancelled_at";
        DROP TABLE IF EXISTS "client_notes";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXWlz47iZ/issfUlPlWdiy26742xtlWyzu7UjS46kziQZb7EoEZK4JgGGh49k+78H4C"
    "FeIEXQJCWh8cXdAvFC1PPieG/8u2ciDRjOLwPLQjp0TQDd3rX07x5UTYD/Q3t8IvVUy4of"
    "kgZXXRh+fzXu6D9QF45rq0sy6Eo1HICbNOAsbd1ydQRxK/QMgzSiJe6ow3Xc5EH9nx5QXL"
    "QG7gbY+MHv/4ubdaiBV+CQj7/3HFe1XUdR/bfCH1zP6eFOv/cs5225QQZa6070LOzoP14a"
    "evhTljZQXaD5T8jw1pOy0oGhpVDQNdLVb1fcN8tvG0L3s9+RvP1CWSLDM2Hc2XpzNwhue+"
    "vBt60BBDb5Ptzm2h6Bg/zaEL0IoeCXx12Cn5yg0cBK9Qw3Ad9Cidt6ijKezJWZPFeUHgPg"
    "SwQJs3TCOvLr1+QVfu6fXVxdfDq/vPiEu/ivuW25+h58dQxMQOjDM573vvvPVVcNevg8i0"
    "EN2ZUD9naj2jL0TB/dIX4lFS5BDuWYOoM0/glZpCNcy6COGmKs4/m6BRaClx4b2r2x/BsG"
    "GLw8wtvJ+PNwei/fXUsY6ZVum0AjrfcPI3ketJqWAVy/dTC+lUcjv5X8fMMgreOJMvs6Ie"
    "Mhxdmg4F1289FUXxUDwLW7wR/PTkuY9tfB9PbrYPrh7PQnMjbCKzdY1uPwSd9/RPia4mO8"
    "BtOsvMMMcHUT0BdKijDDRS2k/CX6T1s8bXEBlQA9H97Ls/ng/oEMbzrOPw0frsFcJk/6fu"
    "tbpvXDZYYp20Gk34bzrxL5KP1jMpZ9OJHjrm3/G+N+83/0yDupnosUiF4UVUtiEjVHTSkm"
    "ax4GHv9+xdRhns8zUzWMwg0xS7t7a2yKuZen7e6N5/2ry+22SD6U7Yiz+8FoFG2LiRMW4P"
    "kN14qhwyf6ZkhHNUvX4TbIuAdWRzW1U308rbJV4V6Fe5X/jI427UTfjTX1aD9+pPuVkO6X"
    "IN3PI71U8fiaaiv1IC8gF9hXwj6SL/KI3yBkABUWgJ6ky0C9wIRtYb1t6fYUvplMRqkD+G"
    "Y4z6D87f5GxvKQDz7upLsgKdxSEK8hB2VpGxCFQj1BSELNS0L+Q9Vx9DVkXl85WrHGGNaY"
    "j16gDtVDPkkrkGfZ3UIjyeKtrrqeHqHDUzy29LBo7bejoTyeY+Xbp36ED7O/336djCZfhj"
    "PcmjQuPcL7wXjwRZ5eS6YK1TWwH+Hg7n44vpZUDSs8jxDDKX+ZDubDCW7DfAPrQB16hLO/"
    "z+by/bXkvDkuMGtp8/0q2ny/WJvvZ0UHy9YD9lW0dm3719LqDuycasbklZSByYaj4LnvII"
    "raPAevBajmCGutmANDt0wKkP82T+1V0RT9cD/4208pIWA0GX+Juiem9O1ockNF36gnk2Vo"
    "hUx2yDKZgVEPT3dGuSBDKaSCGlJBjdWVouTQ9NvDP1CbQOMtXPdHstjCLap0rXmWVpPraU"
    "rB9UPhOmWLDd8+sdZ9QZhqwysUDVM03Rn9j0g+TCoSbNhSKAXCFIQdYD9jBYUN3DSRUGwo"
    "sBqIccImKASgeUBdffkEGCFN0QhQKQbDpas/A4V9suYJG4H36MN5SIDU6okezYOxyiP8Gd"
    "lAX8NfwVvOPJhBNAw0m4XDHNfE/R5NoKg1fkVbfdkGlCU3QfzT8Q8GgW6Fv18afxuNehSZ"
    "qwFQb7cDHZk0UBXXlKSZQnaKBd/p8HbeK5S7GsD3ITMcpyhTZM4KWIfCVBN7QzwSp9tDSu"
    "6ssEMEEkAD0M63A/GJbEpUKgCWHG4Ldfn0otqaUnDK2eBZBy+UoNWbkPDzr1Ng+O6dYrCn"
    "/iAcbRSpOQmeo9jv+gjNlhugeQbQ5Ge+Di5/kqE+ok6uhNSZh28CwRzhP+3KUXuVUKsu5r"
    "x0XnAMpVZ0GnXyyOyb2Rbfg6uFb0jeJ8p/8DTdHaF1j5YbET07KU2MIL0UI+y2Kyui99sG"
    "ScuNCvHbSC8b1T2RVjYy8X+BDX7Jeop3966SS4FXmu767vngfwRbtpSIG339o2RF/KnfPz"
    "+/6p+eX376eHF19fHT6Vafyj8qU6xuhl+IbnWStOvuzp3AcwfZeQZUi8XYEncXhsHOkB84"
    "BMPnj2KDFZ3BhSaLmIi7KNnLiwogX14UgkweZSyYyLNpWkkxwjEFd/CeXVaZw1n3U2IOX1"
    "LmsE4LeSmdwHSZ8KC2pZoAX1QJ8r4ojvG+yIV4x6d1VYBjCg4B7lfZIPrFG0Q/t0HEQlAO"
    "40IhJ0Uj/HEUkzyRaPKA/s9sMi7IHQv7Z6MF9KUr/b9ktGhw6/3XyoP+niQtPN1wdej8Qr"
    "72v9vakktwJPikAgVy4XHZSLiTdAQAGSAXHifCdzgL5CgK38m5bYpNXXn7RHNK9I2N1ZFN"
    "j6JCh09OyhTohd8HtF9VQFQB6LIKgP8vgxQT9W9GhtkvtO0nAuJ9AW8dBUUWCuTwmIQ7Pe"
    "e8EsbnJRif5zEmZ9y/EGSaxUmaDlGWPRtZ4I/3yFki1koWB6O5C7lFyC0lLrrQBPhOD9R9"
    "MAo/HlGaT/69Xjre/PEU71xz0m8YhEORfuPwnGLpN7CCC+GXL+HXBQZxRZhUK1OZNy1DyE"
    "10YidutUQc2IZRbtsSNJKPeVDaRyXlo0T3yCUSE6iUZ2DreEjWdP08scjMY8jM82AEncI8"
    "xWm0PGQftz3f92vIOCAluxVDhodFVlaEkzT8zeDmFWtDhWsPC68sGCdpOpzJttfNXP5UAe"
    "NPhRB/Eqaiww3yqFBidh8BHwvEXKzmZjK/ljDdIxzeP0ym+INuWsgO4qK+DUZ+WJSnGo9w"
    "8DC8llRL7+1/KSwMtHwiBYFowa6lsmGGUgiGomSDsJ2Kkg0/FNcjjLIlG2pZzLM1++tbhD"
    "PXBBzZXKhkOofIfa/dPLD3jvFAvIKEPHeBXt+H0mQ7xnFpaZUACvLR3jmPeEvaY3O/xGBu"
    "CID0rKkIzih7qoJTi6sE9O+1nFT+1lToqIo2rl3OKmW7Ve5OdxpIWAdbrSQTmAtg/8GRCK"
    "2EoKSG+R/XQYefET6qTyQInoEtkSswoOQiyd2AsFs+NarRkaukUYmrZfbvV8Ni0QbZSm33"
    "Gp2eoxIrHfvZQjxZDbgZMmEpr2Ipd8Er5SAsLjUb9eciKaRMfWulxKywp3CmWVexp4hiiE"
    "0d4iUFpUT1o/dXP7odzG4Hd3JZbZM2Q95kzVuq4a/OKRPxw1JdIlV0CKRoRBzcMS31Mnkd"
    "7886PV+4/Ga5JF13e+oRXCpn2chXXFzdNdgC3LKE3AndLeWAMOIs8GXC9wn/MBZ4o/7coX"
    "tWCd2zEnTP8ui+AZVSTKZ8641oODKKNLLxiore3aoJopRnHZVhVynPPSsOmG3mHO9dT8Fv"
    "zekOqeel6sMK91TcZNedvojPHoTAkPC7GW+uvnQktJJUiQx07fsDHBdYDm4JfHjSC9a9cL"
    "uNvPXmRHrR3Y1ELDZO3hXR5MBCgzksDSYsMAo94mViEwQzhNwltjcf1hksagIQA9ApIi6M"
    "3R1Ihv6WlEe5uF7PluAwCvaQ7xMFe4Sz4YidDSJ4kzeuNxC82abwPYTPOj3+J3xSKnDrfp"
    "/qYT+Yvwb42XMAPhvgE5Z3VVcy1SfgSC8b5AfjIAtAR9JdLBmHtR1OsAwdlHaVkI2bk9rM"
    "n3Nidxtf8ghxV/Bq6baQxw9SHl/imckiHUb9uZO+L6rk7VwUJ+5c5DJ3bFRk6t6dUhXRdm"
    "iXNeNKLixJVbtKSheXo85uQJWE98YL8JZd2V4W+lZ6UftRWyA7jnkLT4cacluakkO57Xjl"
    "NIp47tRYZAkijvwnHS8wH8QaWpEjLnU/ipUlzB3FC+44Fd8Dr08c1fyjaL6JcoDFqm+y8q"
    "AITuNGldxrkbaDhLrjg15UVmozX0So8zqso7I3XA9Fx/qef68dZY8pq4aSouuwFkq07YhS"
    "KEK8PHDxMlV2yL9Fgi0yL0XDkb7eVkjeYnubxzuD8eJrQY4L36pReKmJxXwrcZuqUFh8g6"
    "IJxWU5ihWhuPzHbheg/AzsN8kEjoPfhKTcq5KFdSgET6QXW3ddACUd+uFxeCDoBLfEkcg5"
    "PzXfv/M08OctVc8BxIWXD7xr6TuqVAPAUzzwmELkKguwwktAFAPo2BWIOcesuyWIhA+ktu"
    "YmctE7zEW3gWW8KaZqP3lWHvTikL0s3bsi9w7zJO4sRM9SbQcoJmPwQZqKv1LFzXu3NaB5"
    "lvIEmC5ATRFxF+hxdlkp/veyJP73UuTddXeB71YyrGN42xJ3CLQFoBYm0bBY3h7k8d1w/O"
    "VaCukf4SxqcRItc/+j+wg/D4Yj+Y68gW4A7RHeDsa38shvWhIsDCO4EII9Pr5SeHxJdHyu"
    "4n8s0ufYWG5BSlNyaEE6EotRJT+0ihVE06IVayzPkE3SieIEqfI5Kp7VmuJBVzeYja9ZYh"
    "HEcciLx1BJ2RbbRkxJcWkq7oSJdkpQRN7m0M5V312dHoAjg3fH1g/hYSpmCL8eJiLF1mB5"
    "gkycaId8ou2n+N+BMbQZm/0hlU3hEOASF233xRUPDN+qLtri2oqxi7ZoIjcAL2M5miMFeV"
    "c1mn17w1NcoPjEs1yqVs1SxAnz5WcWlzn/yGHCB+QJaiVMWF0gj8mXvyXgwHzTtSufegnr"
    "Dmsz9Q7WY5Z9mzA1O+BVKZJ1i3eGNBUH87ftglymDkPAlBpTN08tZnEaXvX1PfDmqAW8aZ"
    "3NjwVVDYWI0ar1FgDDsF8UDsDd1tGKaJGDT/PsbZX/2jxIDiL4UIUPJv4yEoWmUpyyxcCn"
    "qQTSlYRpTfPvLcDT1UeOqcQilViUWywXwmvEcjpPusHGmZhCsKNxdmAobJ129W4xPxIkgi"
    "GNM2RrtiI19VhOjBwhd4dGKwEeju4CZqxTRALnKjg/PzGjnCARGFfBmKj8lq0vKWpWqZlg"
    "S8ORCtuYE52wjRnUJI0ANQ+q7pDUKCxG0Jw6OwozJAg7rMywbTna0gwb1VGWG93QbECxAZ"
    "SiniUVuDPgrhqGQu4ZCXaEgjS2UvgLRhBcYODCSrcdV1nZoBYHKNQCfZa9BxiWslGhVgf8"
    "PLHAngF7Byxt4GIAHUr1kDJ3XYqskfzZA3Lnt+CuQ9DdGG9YZzF1imN0hzspS9xdblP/CJ"
    "KbgoucFLQKfW4OPgrRs67R5MdCjMsH4SaZrDEhnUTF/wtBxhtYY5oOlXbZs5EF/niPnCV6"
    "6UaDb34DMVS49qiu6LKcrpimQ7xtrxuQRTnA45Y9RLJW8UTnN1lLXK7FG9cjjN5xuVbCIG"
    "JZCONhEhGMshGH1J9/nQKjKNYkTBEYxCMd4VwoSuRIrSWgecuCsB0WpOTkMDziFFdHrA9S"
    "XIXxuKzzlQByDPTe5TbDQ/A6f4Ibg98J0NwfhKMJ1Gb+1xQ86+ClR8n8Cp+clOV82X6fFr"
    "K9fk+eT73gzNsgO6gvKtLA9pQGFjIhB2y1wl4x9SHXwOzdjoZ+ya7APNX4bXj9KqW6+sWl"
    "uvq5Sw7wdhiULmMxdcZUHHnGmzByHn5dV25SwYRdonhCH6eGWsUukTjY2cph5Al5Kl/dVj"
    "mMjByVxpq5aAOfuv5JpmhDfqalajbcDma3gzt5XyUbZssN0DwDaPIzgNSiDZkepSK8E/VV"
    "wHNkC6pyu7llqBACTQpvFFiRi8ShlEDuz5Lj2c/6M3AkvHm4qu06J5LtQUdCeIrlbzJoZs"
    "gquoRfyTerSSTuM9DwAPhkEXcZdKpcFNdj3q1adF+buY5iMRl/Hk7vlan8l28y0SUwwCvd"
    "NhUb4O91sKoR97gfju/kqdLvf012M8kb2bh1Q+t7Ru17hvsOvs0nSlBs+FryD+eg3DCpTj"
    "ybDSfj7SikUrHj4BfejvAIp/Jfh/Jv8WsHSn/81uH9Y8pgJE/n21vIFNUAdi0VqV/Fp9sv"
    "9un2cz7dcEEzCpkxFYcC5pEIlBSXR16i/HHLjU+/jcd+Cz4Eod9yhzG+ljQEAb28OO4xnT"
    "w8kDbNRpZFWtJlyWtZNRovQC4qU/eatWuIytQ/zoaIPHeJ2CpGJUg4sGR1kOYljFfF6PNr"
    "vFrpUHc2tdieIRU76CHvoMJIKYyUwkj5HiMlsJ9J6i3NOhk+Oik1SwadRCFZvox8+y1kuu"
    "9NtIN6Y4w58u/Ljz9EXbmxxJuoyJpi6pSwz3IrRJa2O3Qvj8AUIRJARALIwezJ/OqqCxuL"
    "yRs29SVFw1FkWFuKS4BXAzrLzXag48K3qraSmljMN2DsP23lSGBvNVbczzygKXRhRkKJNh"
    "elPTQdJZ4Nxw2CQrbRG9n4jvBZ0NH1HBHj0a36l2IBixySIuRQDDkSsaOS7VQoTq1d+RBs"
    "WjlMq0c6eDTHeJsePlKtidHL1/s8lWU8GKZ8hF/l0d21tMG/6xFijehXEqeAdb2nenEKDV"
    "cyIK9Vz6GephS+oEPez4T2XLy6+NWe939t58Exu2EDq78HLt7YwE0TcXOfXFv2if3e2Xlo"
    "M7iqsWLXpZ0VfKvCYlHfYpHbIvKwTSCYI/yn4rytfZXvXveGqtM1vSdWMa4V4R24V5TScI"
    "xoxkYs+JHnLYPxLKxKQTGfxfUqig1oicIYVZKzwtwM6cOjd3pxfuX/PSV/L1b+//v+XzVo"
    "P5EMLMX9dC29bFRXcjcgTH2XVAerWWEaloafIlPSXelFdSRTdUnamOQiWh5Xx9++O8bj92"
    "2CkDD77SXqw6/5SbdbFMR9bCm4u8L2vEoFiPPiChDnuQoQx5U5h3XGtWeoNqtVaCp/+TYa"
    "TEn+mU/v24YelK+DcWAgCqpT17EKNZ+9coSGOmQFtwqwsGTyII+vJUL5CAez2fDLmJjnVM"
    "fBSgVJLLodTWZ+9pGBHP8zJSHpMBgmbuCqb9Br5QYuywYrYAO4ZGNKhuwwGEO+lh/GJHRj"
    "NtZkCQ+DOVytmoLygiXXOkYEghktbGHknhhXZ5N801SNXPiwb7tx+uy+rHJ2Zw3/ibP7Ml"
    "exXYdPVCNyScH2mIS3KzWal42E/6sYen79X6J8OG9cpzi7cwV4A9sbm0suRSNihvOOTotU"
    "zEGew+hGTlMJYCnA7t1HzyHAJd7k5daN9k4/cm1/3IE6g04yHrnUlljgkKPtEA1Ay1v18y"
    "y0mW2xCrh7jYE4Vph3hECIrI227kCA4NVVxEUIXSe3fHOANsLTHc7RE4A9ip8+0+OkzF/v"
    "4b4KWT2YKaR3Zc89guBnohZJCxu9OMCW/EEkYrCQVIMoHm8SeF1uVLiOvONRyUbpg+46kv"
    "91f3Ck/3P1n2jO+ea/QNRYOCxvO2YMiy0s7M6dn735qyFdfPqtbdWkqho3+rpw5mYIeYoG"
    "/lO/f35+1T89v/z08eLq6uOn0+10zj8qm9c3wy9kaqeYkdf4wKul26BOBlmakkOr1PFaoS"
    "jGR6ee5dHh2ex47AzOGRb2U5lqAGx9uaEJeOGTUsFOjfuIqlS8SEzPwHaolzsWS00JEh5r"
    "U338WKU21cePxbWpyLNMSWe8qBgQDrtziO5ZpcpfZyWVv84o9WgRdKnG2eLgjwRJ9+Ef+z"
    "koGwv02Oth9v0/4E0CVQ=="
)
