from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        CREATE TABLE IF NOT EXISTS "series" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "weeks" SMALLINT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE RESTRICT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE RESTRICT
) /* Weekly sessions of one client with one psychologist, booked at once. */;
        CREATE TABLE IF NOT EXISTS "slot_rules" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "weekday" SMALLINT NOT NULL,
    "minute" SMALLINT NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_slot_rules_psychol_1f76d8" UNIQUE ("psychologist_id", "weekday", "minute")
) /* A weekly recurring free time: every `weekday` at `minute` (of the day) in `timezone`. */;
        CREATE TABLE IF NOT EXISTS "waitlist" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "queries" JSON NOT NULL,
    "date_from" DATE NOT NULL,
    "date_to" DATE NOT NULL,
    "weekdays" JSON NOT NULL,
    "minute_from" SMALLINT,
    "minute_to" SMALLINT,
    "timezone" VARCHAR(64) NOT NULL,
    "state" VARCHAR(10) NOT NULL /* WAITING: waiting
OFFERED: offered
BOOKED: booked
CANCELLED: cancelled */,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE CASCADE,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE CASCADE
) /* A client waiting for a time: with one psychologist, or with any who matches their */;
CREATE INDEX IF NOT EXISTS "idx_waitlist_state_a906ad" ON "waitlist" ("state", "created_at");
        CREATE TABLE IF NOT EXISTS "waitlist_offers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "outcome" VARCHAR(10) NOT NULL /* OPEN: open
TAKEN: taken
LAPSED: lapsed
WITHDRAWN: withdrawn */,
    "offered_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "entry_id" INT NOT NULL REFERENCES "waitlist" ("id") ON DELETE CASCADE,
    "slot_id" INT NOT NULL REFERENCES "slots" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_waitlist_of_entry_i_662b6d" UNIQUE ("entry_id", "slot_id")
) /* A freed or new slot offered to one waiting client, theirs alone until `expires_at`. */;
CREATE INDEX IF NOT EXISTS "idx_waitlist_of_outcome_72194d" ON "waitlist_offers" ("outcome", "expires_at");
        ALTER TABLE "appointments" ADD "series_id" INT REFERENCES "series" ("id") ON DELETE SET NULL;
        ALTER TABLE "clients" ADD "calendar_token_hash" VARCHAR(64);
        ALTER TABLE "psychologists" ADD "calendar_token_hash" VARCHAR(64);
        ALTER TABLE "slots" ADD "rule_id" INT REFERENCES "slot_rules" ("id") ON DELETE SET NULL;
        CREATE UNIQUE INDEX "uid_clients_calenda_593f1e" ON "clients" ("calendar_token_hash");
        CREATE UNIQUE INDEX "uid_psychologis_calenda_142412" ON "psychologists" ("calendar_token_hash");""",
    "postgres": """
        CREATE TABLE IF NOT EXISTS "series" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "weeks" SMALLINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE RESTRICT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "series" IS 'Weekly sessions of one client with one psychologist, booked at once.';
        CREATE TABLE IF NOT EXISTS "slot_rules" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "weekday" SMALLINT NOT NULL,
    "minute" SMALLINT NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_slot_rules_psychol_1f76d8" UNIQUE ("psychologist_id", "weekday", "minute")
);
COMMENT ON TABLE "slot_rules" IS 'A weekly recurring free time: every `weekday` at `minute` (of the day) in `timezone`.';
        CREATE TABLE IF NOT EXISTS "waitlist" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "queries" JSONB NOT NULL,
    "date_from" DATE NOT NULL,
    "date_to" DATE NOT NULL,
    "weekdays" JSONB NOT NULL,
    "minute_from" SMALLINT,
    "minute_to" SMALLINT,
    "timezone" VARCHAR(64) NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE CASCADE,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_waitlist_state_a906ad" ON "waitlist" ("state", "created_at");
COMMENT ON COLUMN "waitlist"."state" IS 'WAITING: waiting
OFFERED: offered
BOOKED: booked
CANCELLED: cancelled';
COMMENT ON TABLE "waitlist" IS 'A client waiting for a time: with one psychologist, or with any who matches their';
        CREATE TABLE IF NOT EXISTS "waitlist_offers" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "outcome" VARCHAR(10) NOT NULL,
    "offered_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "entry_id" INT NOT NULL REFERENCES "waitlist" ("id") ON DELETE CASCADE,
    "slot_id" INT NOT NULL REFERENCES "slots" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_waitlist_of_entry_i_662b6d" UNIQUE ("entry_id", "slot_id")
);
CREATE INDEX IF NOT EXISTS "idx_waitlist_of_outcome_72194d" ON "waitlist_offers" ("outcome", "expires_at");
COMMENT ON COLUMN "waitlist_offers"."outcome" IS 'OPEN: open
TAKEN: taken
LAPSED: lapsed
WITHDRAWN: withdrawn';
COMMENT ON TABLE "waitlist_offers" IS 'A freed or new slot offered to one waiting client, theirs alone until `expires_at`.';
        ALTER TABLE "appointments" ADD "series_id" INT;
        ALTER TABLE "clients" ADD "calendar_token_hash" VARCHAR(64) UNIQUE;
        ALTER TABLE "psychologists" ADD "calendar_token_hash" VARCHAR(64) UNIQUE;
        ALTER TABLE "slots" ADD "rule_id" INT;
        ALTER TABLE "appointments" ADD CONSTRAINT "fk_appointm_series_0fa9de92" FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE SET NULL;
        ALTER TABLE "slots" ADD CONSTRAINT "fk_slots_slot_rul_2bfc8748" FOREIGN KEY ("rule_id") REFERENCES "slot_rules" ("id") ON DELETE SET NULL;""",
}

DOWNGRADE = {
    "sqlite": """
        DROP INDEX IF EXISTS "uid_psychologis_calenda_142412";
        DROP INDEX IF EXISTS "uid_clients_calenda_593f1e";
        ALTER TABLE "appointments" DROP COLUMN "series_id";
        ALTER TABLE "clients" DROP COLUMN "calendar_token_hash";
        ALTER TABLE "psychologists" DROP COLUMN "calendar_token_hash";
        ALTER TABLE "slots" DROP COLUMN "rule_id";
        DROP TABLE IF EXISTS "waitlist";
        DROP TABLE IF EXISTS "slot_rules";
        DROP TABLE IF EXISTS "waitlist_offers";
        DROP TABLE IF EXISTS "series";""",
    "postgres": """
        ALTER TABLE "slots" DROP CONSTRAINT IF EXISTS "fk_slots_slot_rul_2bfc8748";
        DROP INDEX IF EXISTS "uid_psychologis_calenda_142412";
        DROP INDEX IF EXISTS "uid_clients_calenda_593f1e";
        ALTER TABLE "appointments" DROP CONSTRAINT IF EXISTS "fk_appointm_series_0fa9de92";
        ALTER TABLE "appointments" DROP COLUMN "series_id";
        ALTER TABLE "clients" DROP COLUMN "calendar_token_hash";
        ALTER TABLE "psychologists" DROP COLUMN "calendar_token_hash";
        ALTER TABLE "slots" DROP COLUMN "rule_id";
        DROP TABLE IF EXISTS "series";
        DROP TABLE IF EXISTS "slot_rules";
        DROP TABLE IF EXISTS "waitlist";
        DROP TABLE IF EXISTS "waitlist_offers";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXWt34rgZ/is6fOnMOdnphGQy02xPzyEZMkOXQApMp+2mxzFYBDdGor6Eoe3+90qyjW"
    "+ysRxjjKMPOxtsvTI8kqX3eW/6b2uJNWhY7zqrFdaRvYTIbl2C/7aQuoTkD97tE9BSV6vg"
    "Jr1gq1ODtVeDhuyGOrVsU53RTueqYUFySYPWzNRXto4RuYocw6AX8Yw01NFjcMlB+r8dqN"
    "j4EdoLaJIbv/6TXNaRBn9Ai378tWXZqmlbisq+FflgO1aLNPq1tbI2swU28KNu+fe8huz2"
    "zNC9nzIzoWpDjd2h3a+elLkODS2Cgq7Rpuy6Ym9W7FoP2TesIf32U2WGDWeJgsarjb3AaN"
    "tad5/2CBE06fPINdt0KBz013ro+Qi5vzxo4v7kkIwG56pj2CH4pkpwraUog+FEGXcnitIS"
    "AHyGER0snQ4d/fWP9Cv81D49/3j+6ezi/BNpwr7m9srH39xHB8C4ggyewaT1G7uv2qrbgo"
    "1ZAKo3XAlgrxeq2UXOkqHbI19JRTOYQDmQjiFNfkIcaR/XLKj9CwHWwXzdAovguiWGdmvQ"
    "/U4Ahut7dD0c3PRGt93Pl4AgPdfNJdTo1du7fnfiXl2uDGizq53BdbffZ1fpzzcMenUwVM"
    "Zfh7Q/rFgL7H6X3eO4VH8oBkSP9oJ8PH2fMWh/7Yyuv3ZGb07fv6V9Y/Lmuq/1wLvTZrfo"
    "uEbGMXgHo0P5mQyArS8h/0WJCMZGUfMk3/l/7GtM9/gCZQA96d12x5PO7R3tfmlZ/zYYXJ"
    "1Jl95ps6ub2NU3F7FB2XYCvvcmXwH9CP4xHHQZnNiyH032xKDd5B8t+p1Ux8YKwmtF1cKY"
    "+Jf9S5FB1hwCPPn9ylJHyXEeL1XDSF0Q47K7l8ayBvfi/X7XxrP2x4vtskg/ZK2I49tOv+"
    "8vi6EdFpL5jR4VQ0dP/MWQj2pcrsJlUHANzI9qZKX68D7PUkVapa5V7B4fbd6Ovhtr7tZ+"
    "/Ei3cyHdzkC6nUR6ppL+NdVUikGeIi6xz4W9r18kEb/C2IAqSgE9LBeDekoE94X19kq1u/"
    "DVcNiPbMBXvUkM5W+3V12iDzHwSSPdhmHlloN4AT0oLluCKuTxBKkJla8JsZuqZemPSPj9"
    "SsjKd0zgHWPouXSoGPJhWYm8yOrmGUmmm6J0PdpDhbt4YOkRYe3X/V53MCHkm0nfo7vx36"
    "+/DvvDL70xuRo2Lt2j286g86U7ugRLFamP0LxHnc+3vcElUDVCeO4RgbP7ZdSZ9IbkGhk3"
    "+OjSoXs0/vt40r29BNbGsuGyEJtv52Hz7XQ2346rDitTd4cvp7Vr274Qq6vZPlWOySusA9"
    "MFRyFz38Ic2jyBP1JQTQgWemNqhm6WFtD92ySyVvlT9M1t529vI0pAfzj44jcPTenr/vCK"
    "i75RTCeLyUqdrM46mUFQ93Z3Qb0gJim1ggJaQYG3KyLZQNNvi/xAbYiMjffeH8nL5i1Rme"
    "+as9IKjnpUUo56XUads8R63z70rjNFmGvDS1UNIzLVGf2PSD8MEwkxbDmSEmEOwhY0dWiJ"
    "YRuRkbSGC+ozYX3CqIaEJKwcWA0suAqEJCSgSUBtffYEBSGNyEhQOVbYma0/Q0V8siYFS4"
    "H36GOkaNTZ/IkfIkWwSiJ8g02oP6Jf4CZhc40h6kXvjb1ujmvi/uZPIP9q8BVNdb2N0gsv"
    "guSnkx8MXcJKng8G3/r9FkeRLQHU621HR6Zi5cU1or5HkB0RNjHqXU9aqcpsCfjexbprKM"
    "ocRT4H1p4yVcbaEPTU0OUhonfmWCFcDaAEaCfbjpqJbERVygGsy6vKmbNeR80ENkJAU4Cl"
    "WsNUnT2tVVNTUtQHEz7rcM1B/MoTvPllBA3mjEwHe8Q6adAKHJmT8NnPVCiO0Hi2gJpjQK"
    "373CyNgE0y3MbcyRVS55PwDRGcYPLPfhXUg6r+eV/mJO1J2d8jb3QUdXpr2V7Gr7B4A837"
    "hvT7+Nk6jqbbfUy/ezKTx793kpnGQ1sphtdsVw5P6/sCg9lCReTbgPVCtU/A3MRL8ic04b"
    "tWDM7drfNk/pA3TbdZMIn7F8VWLIHnSn98LTk8f2i3z84+tt+fXXz6cP7x44dP77dENXkr"
    "i7Fe9b5Q0noS9kLszvQhcwebyQHIFzm0Fa4uaEh8QF5xwBAbH8WEc/4Ap9qCAqHGxXRfnO"
    "cA+eI8FWR6K2Yaxo7Jo3vpCAcSjYP39CLPHI47S0Nz+IIzh3VegFbmBObrhLValgoCfJ4n"
    "JeE8PSPhPJGQEOzWeQEOJBoIcDvPAtFOXyDaiQUiUIISGKcqOREZ6T3m+DqoRpME9M/j4S"
    "Al09FrH49t0Wc2+B8w9mjJbP1x7iC2JoGpoxu2jqx39LF/2teSnIEjxYf2nB7MGY/bPInG"
    "q9AOEsGcMtisYWFHacFmCX9YuqkraZ8oj0RfmYSOLFocCu3dOcki0FPWBu6/BoasWVFlzQ"
    "r2fwEtxm9fjg5zWGj3n7ZK1gWydKSUBEnRwwORxvGcs1wYn2VgfJbEmO5x/8FIaBaHZSpE"
    "ueuYeAV/f4utGRatu1Ib5i71Fqm3ZLjoPBPgCz1Qt24vzfGI8oIdXuqla1qgA8c7V57260"
    "U3cbTfIO4pXft1reBS+W2W8mtDg7oillwrU5Y3LSbYmLDPStxqoQC7haDethUoJXu4Vuwj"
    "F/nI4B6JtHcKlfIMTZ10KVpcIiks80gF8kgd5EOnCE9xnmwTcuX3Pd8Pa8ioEcneiyHDIS"
    "qrKMJhmebN4PKJtaGiR4coryIYh2UqnMmmU81c/pQD40+pEH+SpqL6BnnkKIh8iICPKRYu"
    "rXQ1nFwCInePerd3wxH5oC9X2HTjor51+iwsylGNe9S5610CdaW3Dv8qTA08e6Llq3jBrp"
    "m6YUxSKoYiBUb8GqA2foJIWajWQmQtShFvGhmSNmtps5aFXeSoJ0fdxyhe2KWQpyJ+skdx"
    "S3zsMJEjmwu5XBYI2y/1V7h29gHpqKkgYcee4h8vQ2m47eO42HFexxc3YVLQ7ZUvV/Iop5"
    "CbgvpCiJqWpxtBaK3qtsHNyBeB6LvXSxfZ5qZJk0nIhxqguqBA8lMffVj9FMgcr2ijynP8"
    "VsjTzPa5VG+zvwvu8jgr2313d85iB1i2Op+DJVxOofk7C1BZgBFQvSSuS7fBT5jofScAwW"
    "doAnrqEgI2BvYCes2S+Y2l9pwnF1KeZnZ45zjRsRfYVAr7yPnyDSpAVbGz3MNT1AsTE5Pu"
    "rjzuLhv+4GyE6dXN/faNyOzKsgXspaq5NM41zEyTxzgn6++WtYknjF+yNlyZteGuO+Przu"
    "duVoGifcatdjVnpnq/OkEmgpuZXCJSkg1GZGQw6zG96ln6OlmfdX7Sf/ZhpmG56tbUIzjH"
    "dGViRlxs3TbEolTjgo1TuveUyCWIs8RXCN8n8sNE4PXbNw7d01zonmage5pEdwNVTkWo7K"
    "XXl2mQUaSUhVceIlEtTZCFjotQhl2Fjg9MHMiwLSdk7Xpyf2uCO0TuZ9KHOWmp2OGmO30R"
    "Nw5C0ADkuxkbW59ZAM+BCmhHl8wfYNlwZZErrrsTrAn3ItdN7DwuTsBatxeAWmyspCuizI"
    "4lg6kXg/HKLyOHepnEFMGYYOOqU5QfEum+1BQgAaAjQo0wdlegGbIlKYlyetGtrUA9qm7R"
    "58mqW9LZcMTOBhkJ3LRRLyESeJ/Kdw896/z4H+9OpsKtszb5w37I+BrwJ8eCZG9AT0TfVW"
    "2wVJ+gBdYLzIJx8AoiC+g20Yy9Ai0nRId26zMDbJLLYTbzc0Lt3sdD7hFpCn+sdFPq47XU"
    "x2dkZopoh377xmnf53mS787Ts+/OE+l3Jk4zde/Oi/RlK7TLLoNyTCKZkbvqwqfXlI8vQL"
    "mU99KraPsq35RT6Dkr9C0q1yQLZMUxb97uUEBvi0o2UG87Xj2No55bBV6ykFCD/CcVv2AM"
    "xAKsyCqTEtVsJJr0ZklzR/oLd5zEt+ZFxv3CnRzmG6rpmU59w+VDZXBaY6jkQSst1hLqij"
    "d6WR5tn/kiks7rqAhlL7mokU74HjuckrPGZJU0ishVWNDIX3aOt56RVC9fiXoZqR3GjoIR"
    "i8yLyDSIr+8rJG+6PZLnhcF4wdk+x4Vv3ii8yMQSPlp8n1TIq+TCYUJBjZd0IhTUktntAu"
    "w+Q3MDltCyyDehKfcqWBEOhdEJWJu6bUMEdMTC40hHyHKPeqSRcyw1nx1c7PrzZqpjQerC"
    "Swbe7ekZeaoBkCnuekwRtpUpnJNXQBYDqNgVSEZOmLuFhKQPpDBzk7noFeaim3BlbJSlaj"
    "45qyTo6SF7cbkXRe7VcyeuLERvpZoWVJaCwQdRqebVGy/fu61BzVkpT1DoFOOIUOMCPU4v"
    "csX/XmTE/17IvLvqTuHeaoZFDG9b4QqBXkGkeUk0Ipa3u+7gc2/w5RJ48vdo7F+xQlcm7K"
    "N9j246vX73M/0GugG1e3TdGVx3++zSjGJhkKtF7HWn+cLjM6LjE8d2BCp9YhizLUhRyQZa"
    "kI7EYpTLD60Sgrhc8epaZmfIhuVkcYJI+RyVzGpNcZCtG8LG17iwDOKo88tjqLRsi2lioa"
    "S4qFTjlIn9lKDwvc2enau4uzraQYMM3hVbP6SHKX1AmutholpsgSEPickdrc472mGK/9Vs"
    "QMux2depbEoDAc5w0VZfXLFm+OZ10abXVgxctGkTuQR4BcvRHCnIu6rRHNobHhkFjk88Pk"
    "r5qlnKOOFm+ZnlieyvOUy4Rp6gvYQJq1PsCPnytwINMN9U7crnnqS8w9rMPUj5mHXfMkzN"
    "FvyhpOm66StDVKoB83ffBbmWOvIAUwpM3aS0nMVReNUfL4E3IS3hjXI2FguqGgpVo9XVxg"
    "VGYL1I7aBxS8deVIsEfJpjbqv8Fx6DcCdyHPKMw5I8jEahqRynbDrwUSmJdC5lWtPYuQVk"
    "ujLkhEoscoVlucVsJbxALKf1pBtiIxNIyOEofTgIFPwDeNPHIyQiB6T0AdmarWhNPZEdIy"
    "HYuE1jLwEelm5DYawjQhLnPDg/PwmjHBKRGOfBmFL+lanPODQr00ywlWkQhS3NiU6HTRjU"
    "sIwENQmqbtHUKKJG8Jw6OwozhAQrrMywvXK0pRkWqqXMFrqhmZBjA8hEPS4qcRfAXTUMhZ"
    "4z4q4IKWlsmfCn9CBHQWAU5rpp2crchIVGgCMt0RdZe6CxUhYq0oqAnxSW2Atgb8GZCW0C"
    "oMWpHpLlrouIlZI/WyN3fvnuuplKOtdUU7HxE0TCeKeIS9x34b7EyF4YG8IVlzrHIb3DjR"
    "cXri6nrH0ESWXuAVoKnnu+TouoIPhZ13h6eyrG2Z00JomvNHJEsxH+g5HgybeBTIXGkq5j"
    "4hX8/S22ZnhdjeWk/AXEUNGjww0ByMqlC2QqxNt0qgFZlmE8bp1PJsmlT/TmJsnJQ82aNu"
    "o+Ri841CxkiFqtMMFjSVUwzkLsSd/8MoJGWoyPl5rRCXo6wrmQlkATeZeg5sxSwqVEkOqG"
    "u2kiTkFVyuIgBdUvj8srkgsgKyXAQgSg8baPJk4hy8AvXZDGpIsmw6OYjvHiSUT6GTnGMe"
    "7euXByz/x+IUgT1klDl6K1qtsGN4VWBKLvXi9dZJubBiG1z1zXEXzW4brFyXL17pxk5bea"
    "rM0eMlt/DeuELVfPXGDTraUsU14PlPLqDUIC2HxFDAPpOtf7bV33e6w8oWsSLv3kz3aeso"
    "Tt9LKE7cSBLmRVdMs0irgXAqkGRQGV4Viofw3rxqS9Sltg+oQ+TqtQHltgaGMXK/2TFGxS"
    "qf59lf6J6VFRrIUL1DTTvnYSK1CTnGmR+jTXnfF153P3UOVpxrMF1Ahd1rrPEHEL1MRaZK"
    "rwlt9Wgc++/XX3MS4dsDJUhKAGvNNT5tgEKgIh5H4GlmM+68/QAmTxsFXTtk6A6SALYDLF"
    "kqe2lNNlHi7BqpbHmUTo7BaNdEB2FnluS6XkIr32/G5qUX0d+iLEYji46Y1ulVH3L9+6lE"
    "sQgOe6uVRMSJ5rEaoRtLjtDT53R0q7/TXcbEm/kUmuLnhtT7ltT0nbzrfJUHELq18Ctjm7"
    "pdVpJfbxuDccbHuhVdkti3zhbQ/3aNT9a6/7PfjaLukPvrV31qLS6XdHk+2Ji4pqQLMQRW"
    "rniaNop8dRtBNxFN4LLahkBlINVDCPRKHkuBmTGuXrPVph9G0wYFfIJojYlc8E40ugYQT5"
    "RymQFqPh3R29ppl4taJXokcwFLJqlH7YgqzC3yrXriGr8L+eBRE79gyLVccLiTTAklVBSq"
    "s0XqWj31zj1VxHurUoNOwxUbmC1nkFlUZKaaSURsqXGCndwDCecXIbMpZhlAza7DRFfofw"
    "ydj4dguLnuNM2I/nvgU0O5l9DjtuT8AU4ydqabRTjJFldSqLdtfLyLgm4yrMKbdCTVrKS+"
    "GUUgd+hTrwYU7Eqd0AN+5InCYinKFzVn8mTt0Azqtpph+KMyJryah3PanToTjHivKuU3EC"
    "rOucUlVPm0S1MdWE4TzTEmt88vPsVV/LZD+0kTwwqFnc47AH1hx6M6+grrxgLcSX1UGso5"
    "+wNGXUL6avLHVOmmk2W47LVofuxRG4YWXBCVlwojZrcnNtFFOTcIqFGI+OyDQoK2ZfBNrF"
    "qwSCd7Xt6LjwzcvsIhNL+KRTyelqweloHj+P0Hn5/Rlszi8iUHaGbNzM4gbEbyPX47Ht3j"
    "23oe1YMr69WvoXGQIRPSQi2EA15EjUjlxxI5I47e1oT3fRSmCaP8rb4flw9xndSKtyt8SQ"
    "bd2Mul3SGZG8R1+7/c+XYEF+1z0ijOgXGqPtxhi08qG/z8qJ9GsVCyaOSso4uDqvZ5I9p7"
    "9dzWXP0he9bwMrrZolhmxIQtomuOc4aMp0I4ZpVKgUWI+ewmQYfKRffx9+/W2gbnx9KAFi"
    "gcp6NVsf8qIbWhalZa2auqrzOTRfiJJfqW9I+2rQu88xQSa2qCRyQwQnmPxTdrxZrfamvC"
    "90dE/O806n4e36S5XM3BJ/0vpD8Fpf8ALWcLavpFjE/T0n2yoe1I7NU3Bm7aZkmHDmmPRH"
    "MiMJoOTxEsBnaG7AA22iqZsHmoLxsNSRY8MH8AbPgb2AgNx4C3QEHvwTSR54NWj28JR71L"
    "MtwNwAQDUhWKoaBOqCsEcw3QAV/AtPfyYPXOJn+jzaCcUFGFClhW7oZ1dWt5loepmbuH7m"
    "fVFGL9nXlOUzD5584o2HaPqJJ9YkLl2GUdib1oKABlISTxn3VVFZUXl0VrVnHkrDtTRcS8"
    "O1NAnWgV6dFDUJ5rFdVXdIyTGR2X3FgXnHcHB4b3BARzrrDZ0EkofyeiUWwZt75/352Uf2"
    "73v67/mc/d1m/6ru9RPKGLW3l2C9IMSU0kavWoFq0aoEbjVVjdzFS0ol16pF6KRNq78CG/"
    "OocMVP352u9Ou2zqeMYDtIAhM7LldEgw0kytFfa3Rc9FmegxzO0g9yOEsc5HBcBXCJFvno"
    "GKopSBBao+6Xb/3OiJaRZfIszOlO+doZuLFOK2WhopoUoTzCmDPC3JDokAzvuoNLQCXvUW"
    "c87n0Z0Egz1bKI7kbrg173h2NWRNTAFvvMqStajwEjQPHPtPvzeDjgL1EhkTjX02c2+B8w"
    "9qiLtv44d5Bb7Xzq6IatI+sdfd6f9kW7MwCnEEVoXuKIj/hpHidR/kY7iB/xsTLhHJoQzc"
    "QGJSZWj4Ghj23OwIQoiNjQxAXrMTiNemtSKF36oGwF5GDsYQnTZ4SW6GKab1SqkAJQM7od"
    "27sv8uzdcVNgaO++iO/dho6euDa7dJBDIqUgXCN6Ub5uJC3i6dA31yLurLSCox6VlKNel1"
    "Hn5G0kYvQOU6KvbhtW2RX66ME32LEEHUtRKQlsHUsfNhDgDKdd9ZUPa4ZvXj9deuHDIBSV"
    "t0KUAG3TjnuPQxtbFvOAe1BX87HCvMPTLNMk9pUmgeAPWwn5e4tj1bSlYK/++W8W1Ppkuq"
    "MJfoKoxfHTx1qcZPnrHdJWoW8PGRTaOrfnHiP4E6VFYGritQVNwDoB1GABVIMSjw2AP2YL"
    "FT363nH/sAHwRrctwB73Owv8y9bf8pzz5T9Algutl7edDIyILcxr3jg/e/mhoTbZ/R5Ndc"
    "mlGlf6Y+rMjQk2KT7wD+322dnH9vuzi08fzj9+/PDp/XY6J29lzeur3hc6tSODkWR88MdK"
    "N2GRYkhRyQZapY7XCsUxPlrFLI9Wk82Oxz7ACcNCOnPYp6LnpxB3kW1ueHpetEGmmrf2mu"
    "bV7vxjoIgYSxFk2pWbI5hyNBRpwe6oaENjIL3YR5bdp5sc9a7kJ9yjbTDngxfw8vCWyCCa"
    "r2iBB/o6KXMTLx/evXM/2PjhBFiYKJhe+pl14n0D8hik4TV446ZRWfcoSH2kmY9B7CfRLm"
    "n6ytt34EY3ybPpAaMnYM7+ZlnkUMsd+bk9pjnkjJLhn5UqpDK4qmaRCdu3lr/BpqTphYWy"
    "ttdmba10u+TBZ2Nh8FyRVw2dvyeIrAVhGbkYlL4YuLtxynKQJx86bVE4Zg9aeTnm3IUiF6"
    "zc5eK1gyrToau1eW3V56KJDFWj7jEfQbxb3zu9SW/w5dJnTvdoeHPTHdFUBY9xxEvp1jmd"
    "QYbspUN/nMFbMmTvNY56fUP2ajfAMrSs/gDXKrSsbjP45bFl3IKwMvrp0HU2ZN3TA4X0RE"
    "HL8PRsUd3t6VGC0czj8KFFIDXqYkFwzaox+mwC2Jj5YnxHjftWn7heFwuoBr3JzroAD4Hr"
    "mlt5svRnEO5DbrBOwIr8B6kjjFXhoL1fAhUY6sqiz2RNdIs8+Zn84danfFSpLwe79ScJ3q"
    "54evFJ6LvZaOecE6iwY1P/D20R8uFLF06lLpzQIBQxBITEj6ikwaTzC/1gq0/0U79zx4oZ"
    "uHP/HlHF/vOo833gelY1soGgerB/7/UvwAOjkg3kgcfL+5J0X8ZCvY5hpvujGAUNi0h2z2"
    "H3rIi4EKQhCYnobjq/VepeSDcTsVhHBnNewhl+Y3dzessru/hCcHNWbzxWTEOvrCh53ycr"
    "7UBTny1aHDrq3TnJ4qFq0KbUU4FlxsYB2RUhz5Zn/snr0w6JVMeoKsvdaH/4kIMUkVaprI"
    "jdi2769KUSQNhr3kB0T9/no5xZnDPpcsbI5lrw0wO7QiLVx3Udhn2UFsF10GD63/4POv81"
    "bw=="
)
