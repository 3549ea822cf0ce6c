from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        ALTER TABLE "clients" ADD "phone_verified" INT NOT NULL DEFAULT 0;
        ALTER TABLE "clients" ADD "unverified_phone" VARCHAR(20);
        ;
        ;""",
    "postgres": """
        ALTER TABLE "clients" ADD "phone_verified" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "clients" ADD "unverified_phone" VARCHAR(20);
        COMMENT ON COLUMN "invites"."role" IS 'MANAGER: manager
ADMIN: admin
PSYCHOLOGIST: psychologist';
        ALTER TABLE "invites" ALTER COLUMN "role" TYPE VARCHAR(16) USING "role"::VARCHAR(16);""",
}

DOWNGRADE = {
    "sqlite": """
        ALTER TABLE "clients" DROP COLUMN "phone_verified";
        ALTER TABLE "clients" DROP COLUMN "unverified_phone";
        ;
        ;""",
    "postgres": """
        ALTER TABLE "clients" DROP COLUMN "phone_verified";
        ALTER TABLE "clients" DROP COLUMN "unverified_phone";
        COMMENT ON COLUMN "invites"."role" IS 'MANAGER: manager
ADMIN: admin';
        ALTER TABLE "invites" ALTER COLUMN "role" TYPE VARCHAR(8) USING "role"::VARCHAR(8);""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXVlz47i1/issvaSnyjOxZbftOKlbJdu0WxlZ8pXUmUnat1iUCEmMSYDh4iW5/d8DcB"
    "E3kCJoUgsaL+4WiAOS3wGBs+M/HRNpwHB+6VkW0qFrAuh2rqT/dKBqAvwf2uUjqaNaVnyR"
    "NLjqzPD7q3FH/4I6c1xbnZNBF6rhANykAWdu65arI4hboWcYpBHNcUcdLuMmD+r/8oDioi"
    "VwV8DGF779H27WoQbegEN+fus4rmq7jqL6T4V/uJ7TwZ2+dSznfb5CBlrqTnQt7Ohfnht6"
    "+CpzG6gu0PwrZHjrWVnowNBSKOga6eq3K+675bf1oXvndyRPP1PmyPBMGHe23t0Vguveen"
    "C3JYDAJvfDba7tETjI24boRQgFbx53CV45QaOBheoZbgK+mRK3dRRlOJoqE3mqKB0GwOcI"
    "EmbphHXk7ZfkEX7unpxdnF2enp9d4i7+Y65bLr4Ht46BCQh9eIbTznf/uuqqQQ+fZzGoIb"
    "tywN6sVFuGnumj28ePpMI5yKEcU2eQxq+QRTrCtQzqqCHGOp6va2AheO2wod0Zyr9hgMHr"
    "E7wZDe/64wf59krCSC902wQaaX14HMjToNW0DOD6rb3hjTwY+K3k9Q2DtA5HyuTLiIyHFG"
    "eFgmfZzEdTfVMMAJfuCv88OS5h2t9645svvfGnk+OfyNgIf7nBZz0Mr3T9S4SvKT7G32Ca"
    "lbeYAa5uAvqHkiLMcFELKX+J/tMWT1v8gEqAnvYf5Mm09/BIhjcd51+GD1dvKpMrXb/1Pd"
    "P66TzDlPUg0m/96ReJ/JT+MRrKPpzIcZe2f8e43/QfHfJMquciBaJXRdWSmETNUVOKyZqH"
    "gcfvr5g6zPN5YqqGUbggZmk3L41NMff8uN218bR7cb5eFsmPshVx8tAbDKJlMbHDAjy/4V"
    "IxdPhMXwzpqGbptrgMMq6B1VFNrVSfj6ssVbhX4VrlX6OjTdvRN2NN3doPH+luJaS7JUh3"
    "80jPVTy+ptpKPcgLyAX2lbCP5Is84tcIGUCFBaAn6TJQzzBhW1ivW7a7C1+PRoPUBnzdn2"
    "ZQ/vpwLWN5yAcfd9JdkBRuKYjXkIOytA2IQqGeICSh5iUh/6LqOPoSMn9fOVrxjTF8Yz56"
    "gTpUD/kkrUCeZXULjSSz97rqenqELe7isaWHRWu/GfTl4RQr3z71E3yc/P3my2gwuu9PcG"
    "vSuPQEH3rD3r08vpJMFapLYD/B3u1Df3glqRpWeJ4ghlO+H/em/RFuw3wDy0AdeoKTv0+m"
    "8sOV5Lw7LjBrafPdKtp8t1ib72ZFB8vWA/ZVtHat+9fS6vZsn2rG5JWUgcmCo+C57yCK2j"
    "wFbwWo5ghrfTF7hm6ZFCD/Pk2tVdEU/fTQ+/2nlBAwGA3vo+6JKX0zGF0XrFo1JLIUJYem"
    "qQ5+QW0EjfdwlhyIgBZO6FL5zLO0mlxPUwqu7wvXKWJ5+PSJb93fqKk2hsKtK0WzPaPkAe"
    "1fSUGHDVsKpUCYgrAD7BcsQLGBmyYSghcFVgMxTtgEhQA0D6irz58BI6QpGgEqxaAxd/UX"
    "oLBP1jxhI/AefLgBCeBYPNOjDTBWeYTvkA30JfwVvOfMFxlEw0CYSTjMYU3c79EEilrjR7"
    "TV13XAS3IRxK+OXxgEFiF8f2n4dTDoUGSuBkC9WQ90YNJAVVxTkmYK2TEWfMf9m2mnUO5q"
    "AN/HzHCcokyROStgHQpTTawN8UicLg8pubPCChFIAA1AO10PxCeyKVGpAFiyuc3U+fOram"
    "tKwS5ngxcdvFKC6q5Dwrtfx8Dwzc/FYI/9QThaKFJzErxEsan1EZrMV0DzDKDJL3xtXP4k"
    "Q11EnVwJqTMP3wiCKcJ/2pWjdiqhVv2Y89J5wTaU+qLTqJNLZtfMtvgeJi18QvI8UXy2p+"
    "nuAC07tNjt6NpRaeA26aUYYbdNUdud31ZImq9UiJ9Gel2p7pG0sJGJ/wts8EvWk7W5d5VY"
    "b/yl6a7vPgz+R7BlC9m+1pc/StT2n7rd09OL7vHp+eXns4uLz5fHa30qf6lMsbru3xPd6i"
    "hp190c243nDrLr+orXxNtzE7Mz5Ad2Efv8UWywoDO40GQRE3EXxXd+VgHk87NCkMmljAUT"
    "eTZNKylGOKbgDt6T8ypzOOt+Sszhc8oc1mku+dIJTJcJ92pZqgnwWZUg1LPiGNSzXAhqvF"
    "tXBTim4BDgbpUFolu8QHRzC0QsBOUwLhRyUjTCH0cxyROJJg/oXyejYUFuS9g/Gy2gz13p"
    "/yWjRYNb5y8LD/prkjTzdMPVofMLue3/tLUkl+BI8EkFCuTCd7KROkfpCAAygAjf4T2Qoy"
    "h8J+e2KTZ15e0TzSnR1zZWR1YdigodXjkqU6Bnfh/QftazyFLeZpay/y+DFBP1b0aG2S20"
    "7Scq4XUBLx0FSeAFcnhMwp2ec1oJ49MSjE/zGJM97t8IMs3iJM0WUZY9G1ngjw/ImSPWTP"
    "u90dyF3CLklhIXXWgC/KAH6iEYhR+PKM0n/1EvHW/+eIp3rjnpNwzCoUi/cXhOsfQbWMGF"
    "8MuX8OsCg7giTKqVqcybliHkJjpxK261RBzYilFuWxM0ki+2V9pHJeWjRPfIJToSqJQXYO"
    "t4SNZ04jyxyCdmyCf2YASdwjzFabQ8ZEe2Pd93a8jYIyW7FUOGh0VWVoSTNPzN4OYVa0OF"
    "Sw8LrywYJ2m2OJNtbztz+bICxpeFEF8KU9H+BnlUKIG5i4CPGWIupnE9ml5JmO4J9h8eR2"
    "P8QzctZAdxUV97Az8sylONJ9h77F9JqqV3dv8pzAw0fyYFS2jBrqWyYYZSCIY1Cs0I2ynv"
    "tlNRsoFnrkcYZUs21LKYZ2uK17cIZ8qYH9hcqGQ6R547Q28fg2m0HuOwFJBKAAWpVh+cSL"
    "zlo7F5FmIwVwRAekJQBGeUGFTBX8NVbvV3Rv+LrHlzNbx5zgUTXzwq88KkMmBBikY4Zba2"
    "ZbfslMHbsE4PXi8vw56k217s7wFUYLds5PuqXN012LwtWULubKUtBSQx4izwZcL3Gb8YC7"
    "xRf+7QPamE7kkJuid5dN+BSslsLF96IxqOiiA1svCK8nLbLYIk6srUyeffVFfmpje56d3K"
    "ZRU62gzcwmwzp3jteg7eNac7pK6Xqg8L3FNxk1031gG48yAEhoSfzXjHmrUjoYWkSmQgjO"
    "UKSI4LLAe3BFq39Aqgi9tt5C1XR9Kr7q4kYphz8iUDmhxYaDD7pcGE1W6gZ85AQZWAIkEw"
    "Q8hdlkXzPsbgoyYAMQCdIuIwHbcVydBfkvIoFyePrgn2I3uU3E9kjwpP4p76lIQn8Ufkeg"
    "OexDaF7z58CYIZcmJ3eKVU4Nb9PtWyJjo9ycH8NcDPngMkcuojlndVVzLVZ+BIrysEXoAt"
    "IQtAR9JdLBmHiUZHWIYO6gxJyMbNSW3mzzmxu42bPEHcFbxZui3k8b2Ux+d4ZrJIh1F/7q"
    "TvsypBZGfFUWRnuTAyGxWZujfH90W0W7TLmnFaIUuE36b6ZsW10bILUCXhvfFqUGXnm5Wl"
    "OZWeanbQFsgtJzqFu0MNuS1NyaHcdrhyGkU8d2p8ZAkijvwnW/7AfBBraEWOOJX2IL4sYe"
    "4o/uAOU/Hd82JZUQEKiuabqE1RrPomy2CI4DRuVMmdVgzYS6i3vNGLNN8203yFOq/DOip7"
    "w8l5Otb3/EMWKGtMWWpeim6LiXnRsiPy8oR4uefiZSoH1i9pyhaZl6LhSF9vKyRvti4t+8"
    "FgvLhG7WHhWzUKLzWxmI/IalMVCtPlKJpQnEhXrAjFCXubXYDyC7DfJRM4Dn4SyUXE04Z1"
    "KASPpFdbd10AJR364XF4IOgERxaQyDnSFBzAE/jz5qrnAOLCywfetXSPKif84CkeeEwhcp"
    "UZWOBPgPGEH6G/fdQViDnHrLsliIQPpLbm5oI3inQ1xa1FGvMbTaY6zPC8MqlJ/n2aEphy"
    "4WFroWkwGt5H3bMxYxlFDljGu2Kq9rNn5UEvDtnL0n0ocm8/d+KthehZqu0AxWQMPkhT8V"
    "c3q3nvtgY0z1KeAdNpPCki7gI9Ts4rxf+el8T/nou8u+2dJrWWDOsY3tbEWwTaAlALk2hY"
    "LG+P8vC2P7y/kkL6JziJWpxEy9T/6T7Bu15/IN+SJ9ANoD3Bm97wRh74TXOChWEE1UnZ4+"
    "MrhceXRMfnyk/GIn2OjeUWpDQlhxakA7EYVfJDq1hBNC1aeZXyDNkknShOkLS8Giqe1Zri"
    "QVc3mI2vWWIRxLHPH4+hkrIttl10dC6dyWkq7oSJdkpQRN7m0M5V312dHoAjg/eWrR/Cw1"
    "TMEH49TESKrcHyBJnY0fZ5RwuOhWHzIKZoOFpQGzujdvdlUzgEuMRFO1+ff/RBF218kNJh"
    "4VvVRZv6cgtctEUTuQF4GcvRHCjIm6rR7NobnuICxSee5VK1apYiTpgvP7M4WexHDhPeI0"
    "9QO8caz5DH5MtfE3Bgvtm2K596ItAGazP1QKBDln2bMDU74E0pknWLV4Y0FQfzt+2CXKYO"
    "Q8CUGlM3Ty1mcRpe9e0j8OaoBbxpnc2PBVUNhYjRqvUeAMOwXhQOwN3S0YpokYNP8+x1lf"
    "/aPEgOIvhQhQ8mvhmJQlMpTtli4NNUAulKwrSm+ecW4OnqI8dUYpFKLMotlgvhNWI5nWfd"
    "YONMTCHY0Tg7MBS2Dpj4kSARDGmcIWuzFampx7Jj5Ai52zRaCfBwdBcwY50iEjhXwfnlmR"
    "nlBInAuArGROW3bJ12UHCpmWBNw5EK25gTnbCNGdQkjQA1D6rukNQoLEbQnDobCjMkCMWR"
    "yQylGVaqo8xXuqHZgGIDKEU9SypwZ8BdNQyFnDMSrAgFaWyl8BeMILjAwIWFbjuusrBBLQ"
    "5QqAX6LGsPMCxlpUKtDvh5YoE9A/YOmNvAxQA6lOohZe66FFkj+bN75M5vwV2HoLsy3rHO"
    "YuoUx+gGd1KWeHu5Td0DSG4KDnJS0CL0uTl4K0QvukaTHwsxLh+Em2SyxoR0EhX/bwQZT2"
    "CNabaotMuejSzwxwfkzNHrdjT45hcQQ4VLj+qKLsvpimm2iLftbQdkUQ7wsGUPkaxVPNH5"
    "TdYSh2vxxvUIow8crpUwiFgWwniYRASjLMQh9d2vY2AUxZqEKQK9eKQDnAtFiRypbwlo3r"
    "wgbIcFKTk5DI84xdUR64MUV2E8LOt8JYAcA330c5vgIXidP8GJwR8EaOoPwtEEajP/awxe"
    "dPDaoWR+hVeOynK+bL9PC9le35L7UyfY81bIDuqLijSwHaWBhUzIAVutsFdMvc81MDs3g7"
    "5fsiswTzV+Gl63SqmubnGprm7ukAO8HAaly1hMnTEVR57xJoyc+1/XlZtUMGGXKJ7Qh6mh"
    "VrFLJDZ2tnIYeUKeyle3VQ4jI0elsWYu2sCnrn+UKdqQn2mpmg03vclN71beVcmGyXwFNM"
    "8AmvwCILVoQ6ZHqQjvRH0V8BLZgqqcbm4ZKoRAk8ITBRbkIHEoJZD7s+R49ov+AhwJLx6u"
    "arvOkWR70JEQnmL5kwyaGbKKLuFX8s1qEonzDDQ8AN5ZxFkGW1Uuiusxb1Yttl+buY5iMR"
    "re9ccPylj+368y0SUwwAvdNhUb4Ps6WNWIezz0h7fyWOl2vyS7meSJbNy6ovU9ofY9wX17"
    "X6cjJSg2fCX5m3NQbphUJ55M+qPhehRSqdhx8AOvR3iCY/lvffm3+LEDpT9+6vD8MaU3kM"
    "fT9SlkimoAu5aK1K3i0+0W+3S7OZ9u+EEzCpkxFYcC5oEIlBSXR16i/HHLjY+/Dod+C94E"
    "od9yizG+kjQEAb28OO4xHj0+kjbNRpZFWtJlyWtZNRovQC4qU3eatWuIytQ/zoKIPHeO2C"
    "pGJUg4sGRtIc1LGK+K0efXeLXQoe6sarE9QypW0H1eQYWRUhgphZHyI0ZKYL+Q1FuadTK8"
    "dFRqlgw6iUKyfBn5dlvIdNeL6BbqjTHmyH8sP34fdeXGEm+iImuKqVPCPsutEFna7aF7fg"
    "CmCJEAIhJA9mZN5ldXndlYTF6xqS8pGo4iw9pSXAK8GtBZrtcDHRa+VbWV1MRiPgFj92kr"
    "BwJ7q7HifuYBTaELMxJKtLko7aHpKPFsOG4QFLKO3sjGd4TXgo6u54gYj+2qfykWsMghKU"
    "IOxZADETsq2U6F4tTakQ/BopXDtHqkg0dzjLfp4SPVmhi9fJ27sSzjwTDlE/wiD26vpBV+"
    "ryeINaJfSZwC1vWe68UpNFzJgDxWPYd6mlL4gvZ5PRPac/HXxa/2vPtjO/eO2Q0bWP01cP"
    "bOBm6aiJvz5NqyT+z2zM59m8FVjRWbDu2s4FsVFov6FovcEpGHbQTBFOE/Fedt7aN8d7o2"
    "VJ2u6TWxinGtCO/AvaKUhmNEMzZiwY88bxmMZ2FVCor5LK5XUWxASxTGqJKcFeZmSJ+evO"
    "Oz0wv/7zH5e7bw/9/1/6pB+5FkYCnupyvpdaW6krsCYeq7pDpYzQrTsDR8FZmS7kqvqiOZ"
    "qkvSxiQX0fK4tnz3zTEe39YJQsLst5OoD7/mJ91uURD3sabg7gjb0yoVIE6LK0Cc5ipAHF"
    "bmHNYZl56h2qxWobF8/3XQG5P8M5/etw09Kl96w8BAFFSnrmMVaj575QANdcgKThVgYcno"
    "UR5eSYTyCfYmk/79kJjnVMfBSgVJLLoZjCZ+9pGBHP83JSFpPxgmTuCqb9Br5QQuywYLYA"
    "M4Z2NKhmw/GENuyw9jEroxG2uyhPvBHK6+moLygiXHOkYEghktLGHknBhXZ5N801SNHPiw"
    "a7txeu8+r7J3Zw3/ib37PFexXYfPVCNyScH2mIS3IzWal42E/6sYen79X6J8OG9cpzi7cw"
    "V4A9sbm0suRSNihvOOTotUzEGew+hGTlMJYCnA7txHzyHAJd7k+dqN9kE/cm1/3J46g44y"
    "HrnUkljgkKOtEA1Ay1v18yy0mWWxCrg7jYE4VJg3hECIrI22zkCA4M1VxEEI205u+eoAbY"
    "CnO5yiZwA7FD99psdRmb/ew30V8vVgppDelT33CIKfiVokzWz06gBb8geRiMFCUg2ieLxL"
    "4G2+UuEy8o5HJRulT7rrSP7t/uBI/3T1n2jO+eZvIGos7Je3HTOGxRYWdufOz9780ZAu3v"
    "2WtmpSVY1rfVk4czOEPEUD/6nbPT296B6fnl9+Pru4+Hx5vJ7O+Utl8/q6f0+mdooZeY0P"
    "vFm6DepkkKUpObRKHa4VimJ8dOpZHh2ezY6HzuCcYWE3lal6wNbnK5qAF14pFezUuI+oSs"
    "WLxPQCbId6uGOx1JQg4bE21efPVWpTff5cXJuKXMuUdMYfFQPCYXcO0T2pVPnrpKTy1wml"
    "Hi2CLtU4Wxz8kSDZfvjHbjbKxgI9drqZff8v9AydMQ=="
)
