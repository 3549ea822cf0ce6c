from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        ;""",
    "postgres": """
        COMMENT ON COLUMN "scheduled_events"."kind" IS 'CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request
MANAGER_ALERT: manager_alert';""",
}

DOWNGRADE = {
    "sqlite": """
        ;""",
    "postgres": """
        COMMENT ON COLUMN "scheduled_events"."kind" IS 'CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request';""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXWtzozi6/iuUv5zuqsxs4qST3uyprXISOu0dx86x3TszO9misJFtTkBiueSye/q/H4"
    "mLuQmCCGBbrS/pttAr4HmF9N71n56JNGA4Pw8sC+nQNQF0e5fSf3pQNQH+D+3ykdRTLSu+"
    "SBpcdWH4/dW4o39BXTiurS7JoCvVcABu0oCztHXL1RHErdAzDNKIlrijDtdxkwf1f3lAcd"
    "EauBtg4wt//BM361ADL8AhP//oOa5qu46i+k+Ff7ie08Od/uhZzutygwy01p3oWtjRv7w0"
    "9PBVljZQXaD5V8jw1qOy0oGhpVDQNdLVb1fcV8tvG0L3i9+RPP1CWSLDM2Hc2Xp1Nwhue+"
    "vB3dYAApvcD7e5tkfgIG8bohchFLx53CV45QSNBlaqZ7gJ+BZK3NZTlPFkrszkuaL0GABf"
    "IkiYpRPWkbdfk0f4qX9ydnH2+fT87DPu4j/mtuXie3DrGJiA0IdnPO9996+rrhr08HkWgx"
    "qyKwfs9Ua1ZeiZPrpD/EgqXIIcyjF1Bmn8ClmkI1zLoI4aYqzj+boFFoLnHhvavbH8KwYY"
    "PD/A68n4y3B6J99cShjplW6bQCOtd/cjeR60mpYBXL91ML6WRyO/lby+YZDW8USZfZ2Q8Z"
    "DibFDwLG/z0VRfFAPAtbvBP0+OS5j298H0+utg+uHk+CMZG+EvN/isx+GVvn+J8DXFx/gb"
    "TLPyBjPA1U1A/1BShBkuaiHlz9F/2uJpix9QCdDz4Z08mw/u7snwpuP8y/DhGsxlcqXvt7"
    "5mWj+cZ5iyHUT6dTj/KpGf0j8mY9mHEznu2vbvGPeb/6NHnkn1XKRA9KyoWhKTqDlqSjFZ"
    "8zDw+P0VU4d5Ps9M1TAKF8Qs7dtLY1PMPT9ud2087V+cb5dF8qNsRZzdDUajaFlM7LAAz2"
    "+4VgwdPtIXQzqqWboOl0HGNbA6qqmV6tNxlaUK9ypcq/xrdLRpO/rbWFO39sNHul8J6X4J"
    "0v080ksVj6+ptlIP8gJygX0l7CP5Io/4FUIGUGEB6Em6DNQLTNgW1tuWbnfhq8lklNqAr4"
    "bzDMrf7q5kLA/54ONOuguSwi0F8RpyUJa2AVEo1BOEJNS8JORfVB1HX0Pm7ytHK74xhm/M"
    "Ry9Qh+ohn6QVyLOsbqGRZPFaV11Pj9DhLh5beli09uvRUB7PsfLtUz/A+9nv118no8ntcI"
    "Zbk8alB3g3GA9u5emlZKpQXQP7AQ5u7objS0nVsMLzADGc8u10MB9OcBvmG1gH6tADnP0+"
    "m8t3l5Lz6rjArKXN96to8/1ibb6fFR0sWw/YV9Hate1fS6vbs32qGZNXUgYmC46C576DKG"
    "rzHLwUoJojrPXF7Bm6ZVKA/Ns8tVZFU/TD3eC3jykhYDQZ30bdE1P6ejS5Kli1akhkKUoO"
    "TVM9/ILaBBqv4Sw5EAEtnNCl8plnaTW5nqYUXN8XrlPE8vDpE9+6v1FTbQyFW1eKpjuj5A"
    "HtX0lBhw1bCqVAmIKwA+wnLECxgZsmEoIXBVYDMU7YBIUANA+oqy8fASOkKRoBKsWgsXT1"
    "J6CwT9Y8YSPwHny4AQngWD3Sow0wVnmEvyAb6Gv4C3jNmS8yiIaBMLNwmMOauN+jCRS1xo"
    "9oq8/bgJfkIohfHb8wCCxC+P7S+Nto1KPIXA2Aer0d6MCkgaq4piTNFLJTLPhOh9fzXqHc"
    "1QC+95nhOEWZInNWwDoUpppYG+KROF0eUnJnhRUikAAagHa+HYhPZFOiUgGwZHNbqMvHZ9"
    "XWlIJdzgZPOnimBNVdhYRffpkCwzc/F4M99QfhaKFIzUnwFMWm1kdottwAzTOAJj/xtXH5"
    "kwz1EXVyJaTOPHwTCOYI/2lXjtqphFr1Y85L5wXbUOqLTqNOLpl9M9vie5i08AnJ80Tx2Z"
    "6muyO07tFit6NrR6WB26SXYoTd3ora7v26QdJyo0L8NNLzRnWPpJWNTPxfYIOfs56st3tX"
    "ifXGX5ru+u7D4H8EW7aQ7St9/aNEbf+53z89vegfn55//nR2cfHp8/FWn8pfKlOsroa3RL"
    "c6Stp1347txnMH2XV9xVvi7tzE7Az5gV3EPn8UG6zoDC40WcRE3EXxnZ9VAPn8rBBkcilj"
    "wUSeTdNKihGOKbiD9+S8yhzOup8Sc/icMod1mku+dALTZcK9WpZqAnxWJQj1rDgG9SwXgh"
    "rv1lUBjik4BLhfZYHoFy8Q/dwCEQtBOYwLhZwUjfDHUUzyRKLJA/q32WRckNsS9s9GC+hL"
    "V/o/yWjR4Nb775UH/TVJWni64erQ+Znc9q9tLcklOBJ8UoECufCdbKTOUToCgAwgwnd4D+"
    "QoCt/JuW2KTV15+0RzSvSVjdWRTY+iQodXjsoU6IXfB7Sf9SyylLvMUvb/ZZBiov7NyDC7"
    "hbb9RCW8LuCloyAJvEAOj0m403NOK2F8WoLxaR5jssf9G0GmWZyk6RBl2bORBf50h5wlYs"
    "203xvNXcgtQm4pcdGFJsB3eqDuglH48YjSfPLv9dLx5o+neOeak37DIByK9BuH5xRLv4EV"
    "XAi/fAm/LjCIK8KkWpnKvGkZQm6iEztxqyXiwDaMctuWoJF8sb3SPiopHyW6R1ZM261it0"
    "dKRyuKnYe3cFaEkzQ85Du2rWgYKlx7eDNnwThJ0+FMtr1u5vLnChh/LoT4s1Cd99fpXaEk"
    "4C4c4AvEXFzgajK/lDDdAxze3U+m+IduWsgO4kS+DUZ+mIinGg9wcD+8lFRL7+3+U1gYaP"
    "lICjjQgv9KS29kKEXhjRqFN4QtiXdbkkhh55nrEUbZFPZaFsRsjeX6FrJMWecDmwuVTInI"
    "cxfo5X0wTbZjHJYCUgmgIPXknROJt/wcNktrDOaGAEhPkIjgjBIlKtivuco1/c5oj5Y1b6"
    "mGN8+ZpOOLR2VW6VRGIEjRCCN1Z1t2y0ZqvA3r9GDe8rLUSbruYiEPoCK1ZSPfdu/qrsFm"
    "fc4ScmcrbSlAgxFngS8Tvo/4xVjgjfpzh+5JJXRPStA9yaP7ClRKplf50hvRcFQUppGFV5"
    "Tb6rYojKiz0UadjevB7HpwI5dVLGgzkAWzzZzjtesxeNec7pC6Xqo+rHBPxU12fTMv+osH"
    "ITAk/GzGK9asHQmtJFUiA2EsN0ByXGA5uCXQuqVnAF3cbiNvvTmSnnV3IxHDnJNPoW5yYK"
    "HB7JcGE1b/gJ65AAVZ00WCYIaQu6jz5n2MwUdNAGIAOkXEYXpiK5KhvyTlUS5OptsS7Ec2"
    "HbmfyKYTnsQ99SkJT+KPyPUGPIltCt9D+BQEM+TE7vBKqcCt+32qRZH3BpKD+WuAnzwHSO"
    "QUPCzvqq5kqo/AkZ43CDwBW0IWgI6ku1gyDhMvpA/IDuqufPwLuQBeLN2mSdwtjC8E7/0S"
    "vJd4CrKIgVF/7sTssyrRYmfF4WJnuXgxGxXZtN8O5ItoOzTAmnE+FUsoX3lhp+ySsoOwvb"
    "KTm8oSOErPazpoW2LHKRzh8l9DAktTciiBHa7ERRG0nRofWYKII09Ixx+YD2IN/cYR520e"
    "xJclDBfFH9xhqrB7XgYoSq2n6LCJrPtiJTaZ4C/CzLjRFXeaC72XUHe80YuE3TYTdoW+vh"
    "f6uo71Pb98PGWNKUuyS9F1mGIXLTsiw06Il3suXqayWf1ijWwxdikajvT1toLrFtuime8M"
    "q4urbx4WvlXj6VITi/nwnzZVoTDxjaIJxSlxxYpQnHr3tjNPfgL2q2QCx8FPIrlIUiUL61"
    "AIHknPtu66AEo69APd8EDQCYqxkxg40hQcLRK455aq5wDikcs79Fq6R5WzS/AUD3yfELnK"
    "AqzwJ8B4donQ397r68OcY9bdEkTCB1Jbc3PBC0W6muPWIo35hSZTHWagXZnUJP82TwlMuU"
    "CvrdA0moxvo+7Z6K+MIgcs41UxVfvRs/KgFwffZeneFYO3nztxZ8F2lmo7QDEZowvSVPxV"
    "wGr+FBcNaJ6lPAKmc0ZSRNxFcpycV4rkPS+J5D0XGXTdnZOzlQzrGN62xB0CbQGohekwLJ"
    "a3e3l8MxzfXkoh/QOcRS1OomXu/3Qf4JfBcCTfkCfQDaA9wOvB+Foe+U1LgoWBW+vY606q"
    "BbqXxLnnCknGIn2OjeUWpDQlhxakA7EYVfJDq1hBNC1aoZTyXNcknSgzkLS8Giqe1ZriQV"
    "c3mI2vWWIRxLHPH4+hkgIstl10KCidyWkq7oSJdopJRN7m0M5V312dHoAjg3fH1g/hYSpm"
    "CL8eJiLF1mB5gkzsaPu8owUHXrB5EFM0HC2ojZ2+ufsCKBwCXOKiXW5PdnmnizY+Iuaw8K"
    "3qok19uQUu2qKJ3AC8jIVlDhTkt+rK7NobnuICxSee5VK1upQiTpgvP7M4M+lHDhPeI09Q"
    "Owe2LpDH5MvfEnBgvunalU892+cNazP1aJ9Dln2bMDU74EUpknWLV4Y0FQfzt+3SWqYOQ8"
    "CUGlM3Ty1mcRpe9eU98OaoBbxpnc2PBVUNhYjRqvUaAMOwXhQOwN3S0YpokYNP8+xtvf7a"
    "PEgOIvhQhQ8mvhmJQlMpTtli4NNUAulKwrSm+ScQ4OnqI8dULJFKLAonlgvhNWI5nUfdYO"
    "NMTCHY0Tg7MBS2TjsZvpgfCRLBkMYZsjVbkRJ5LDtGjpC7TaOVAA9HdwEz1ikigXMVnJ8e"
    "mVFOkAiMq2BMVH7L1mlH/paaCbY0HKmwjTnRCduYQU3SCFDzoOoOSY3CYgTNqfNGYYYEoT"
    "j8mKE0w0Z1lOVGNzQbUGwApahnSQXuDLirhqGQE0OCFaEgja0U/oIRBBcYuLDSbcdVVjao"
    "xQEKtUCfZe0BhqVsVKjVAT9PLLBnwN4BSxu4GECHUj2kzF2XImskf3aP3PktuOsQdDfGK9"
    "ZZTJ3iGH3DnZQl7i63qX8AyU3BkUwKWoU+NwdvhehJ12jyYyHG5YNwk0zWmJBOouL/jSDj"
    "WaoxTYdKu+zZyAJ/ukPOEj13o8E3v4AYKlx7VFd0WU5XTNMh3rbXDciiHOBhyx4iWat4ov"
    "ObrCWOyeKN6xFG7zgmK2EQsSyE8TCJCEZZiEPqL79MgVEUaxKmCAzikQ5wLhQlcqS+JaB5"
    "y4KwHRak5OQwPOIUV0esD1JchfGwrPOVAHIM9N7PbYaH4HX+BGf/vhOguT8IRxOozfyvKX"
    "jSwXOPkvkVXjkqy/my/T4tZHv9kdyfesGet0F2UF9UpIHtKA0sZEIO2GqFvWLqfa6B2bse"
    "Df2SXYF56gHez36//joZTW6HM9yaTYJlLtXVr1Kqq19cqqufO+QAL4dB6TIWU2dMxZFnvA"
    "kj5/7XdeUmFUzYJYon9GFqqFXsEomNna0cRp6Qp/LVbZXDyMhRaayZizbwqesfZYo25Gda"
    "qmbD9WB2PbiRd1WyYbbcAM0zgCY/AUgt2pDpUSrCO1FfBTxFtqAq55Rbhgoh0KTwRIEVOS"
    "AcSgnk/iI5nv2kPwFHwouHq9qucyTZHnQkhKcY7WjyJoasokv4lXyzmkTiPAMND4B3FnGW"
    "QafKRXE95rdVi+5rM9dRLCbjL8PpnTKV/+ebTHQJDPBKt03FBvi+DlY14h53w/GNPFX6/a"
    "/JbiZ5Ihu3bmh9T6h9T3Dfwbf5RAmKDV9K/uYclBsm1Ylns+FkvB2FVCp2HPzA2xEe4FT+"
    "+1D+NX7sQOmPnzo8f0wZjOTpfHsKmaIawK6lIvWr+HT7xT7dfs6nG37QjEJmTMWhgHkgAi"
    "XF5ZGXKH/ccuPTb+Ox34I3Qei33GCMLyUNQUAvL457TCf396RNs5FlkZZ0WfJaVo3GC5CL"
    "ytS9Zu0aojL1j7MgIs9dIraKUQkSDixZHaR5CeNVMfr8Gq9WOtSdTS22Z0jFCrrPK6gwUg"
    "ojpTBSvsdICewnknpLs06Gl45KzZJBJ1FIli8j324Lme56Ee2g3hhjjvz78uP3UVduLPEm"
    "KrKmmDol7LPcCpGl7Q7d8wMwRYgEEJEAsjdrMr+66sLGYvKGTX1J0XAUGdaW4hLg1YDOcr"
    "Ud6LDwraqtpCYW8wkYu09bORDYW40V9zMPaApdmJFQos1FaQ9NR4lnw3GDoJBt9EY2viO8"
    "FnR0PUfEeHSr/qVYwCKHpAg5FEMOROyoZDsVilNrRz4Ei1YO0+qRDh7NMd6mh49Ua2L08v"
    "W+TGUZD4YpH+BXeXRzKW3wez1ArBH9QuIUsK73WC9OoeFKBuSx6jnU05TCF7TP65nQnou/"
    "Ln61590f27l3zG7YwOqvgYtXNnDTRNycJ9eWfWK3Z3bu2wyuaqx469DOCr5VYbGob7HILR"
    "F52CYQzBH+U3He1j7Kd6drQ9Xpml4TqxjXivAO3CtKaThGNGMjFvzI85bBeBZWpaCYz+J6"
    "FcUGtERhjCrJWWFuhvThwTs+O73w/x6Tv2cr//99/68atB9JBpbiPl5KzxvVldwNCFPfJd"
    "XBalaYhqXhq8iUdFd6Vh3JVF2SNia5iJbH1fHd347x+GObICTMfjuJ+vBrftLtFgVxH1sK"
    "7o6wPa1SAeK0uALEaa4CxGFlzmGdce0Zqs1qFZrKt99GgynJP/PpfdvQvfJ1MA4MREF16j"
    "pWoeazVw7QUIes4FQBFpZM7uXxpUQoH+BgNhvejol5TnUcrFSQxKLr0WTmZx8ZyPF/UxKS"
    "9oNh4gSu+ga9Vk7gsmywAjaASzamZMj2gzHktvwwJqEbs7EmS7gfzOHqqykoL1hyrGNEIJ"
    "jRwhJGzolxdTbJN03VyIEPu7Ybp/fu8yp7d9bwn9i7z3MV23X4SDUilxRsj0l4O1KjedlI"
    "+L+KoefX/yXKh/PGdYqzO1eAN7C9sbnkUjQiZjjv6LRIxRzkOYxu5DSVAJYC7M599BwCXO"
    "JNXm7daO/0I9f2x+2pM+go45FLLYkFDjnaCtEAtLxVP89Cm1kWq4C70xiIQ4X5jRAIkbXR"
    "1hkIELy4ijgIoevklm8O0EZ4usM5egSwR/HTZ3oclfnrPdxXIV8PZgrpXdlzjyD4iahF0s"
    "JGzw6wJX8QiRgsJNUgiserBF6WGxWuI+94VLJR+qC7juTf7r8c6X9d/SPNOd/8DUSNhf3y"
    "tmPGsNjCwu7c+dmbPxrSxbvf2lZNqqpxpa8LZ26GkKdo4D/3+6enF/3j0/PPn84uLj59Pt"
    "5O5/ylsnl9NbwlUzvFjLzGB14s3QZ1MsjSlBxapQ7XCkUxPjr1LI8Oz2bHQ2dwzrCwm8pU"
    "A2Dryw1NwAuvlAp2atxHVKXiRWJ6ArZDPdyxWGpKkPBYm+rTpyq1qT59Kq5NRa5lSjrjj4"
    "oB4bA7h+ieVKr8dVJS+euEUo8WQZdqnC0O/kiQdB/+sZuNsrFAj51uZt//H9Nvl1w="
)
