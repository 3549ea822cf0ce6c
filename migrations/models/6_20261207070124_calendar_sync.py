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
MANAGER_ALERT: manager_alert
CALENDAR_SYNC: calendar_sync';""",
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
REVIEW_REQUEST: review_request
MANAGER_ALERT: manager_alert';""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXW134rjZ/is6fOnMOdnphGQy02xPzyEJmaFLIAWm0+3mOY7BIrgxEvVLEtruf38k2c"
    "ZvsrEcY4yjDzsbbN0yXJKl+7rf9N/WEmvQsD50ViusI3sJkd06B/9tIXUJyR+820egpa5W"
    "wU16wVanBmuvBg3ZDXVq2aY6o53OVcOC5JIGrZmpr2wdI3IVOYZBL+IZaaijh+CSg/R/O1"
    "Cx8QO0F9AkN377P3JZRxp8gRb9+FvLslXTthSVfSvywXasFmn0W2tlrWcLbOAH3fLveQ3Z"
    "7Zmhez9lZkLVhhq7Q7tfPSpzHRpaBAVdo03ZdcVer9i1HrKvWUP67afKDBvOEgWNV2t7gd"
    "Gmte4+7QEiaNLnkWu26VA46K/10PMRcn950MT9ySEZDc5Vx7BD8E2V4FpLUQbDiTLuThSl"
    "JQD4DCM6WDodOvrrH+hX+Kl9fPr59MvJ2ekX0oR9zc2Vz7+7jw6AcQUZPINJ63d2X7VVtw"
    "UbswBUb7gSwF4uVLOLnCVDt0e+kopmMIFyIB1DmvyEONI+rllQ+xcCrIP5ugEWweeWGNqt"
    "QfcHARg+36HL4eC6N7rpXp0DgvRcN5dQo1dvbvvdiXt1uTKgza52Bpfdfp9dpT/fMOjVwV"
    "AZfxvS/rBiLbD7XbaP41J9UQyIHuwF+Xj8MWPQ/t4ZXX7rjN4df3xP+8bkzXVf64F3p81u"
    "0XGNjGPwDkaH8ooMgK0vIf9FiQjGRlHzJD/4f+xqTHf4AmUAPenddMeTzs0t7X5pWf82GF"
    "ydSZfeabOr69jVd2exQdl0An70Jt8A/Qj+ORx0GZzYsh9M9sSg3eSfLfqdVMfGCsLPiqqF"
    "MfEv+5cig6w5BHjy+5WljpLjPF6qhpG6IMZlty+NZQ3u2cfdro0n7c9nm2WRfshaEcc3nX"
    "7fXxZDOywk8xs9KIaOHvmLIR/VuFyFy6DgGpgf1chK9eljnqWKtEpdq9g9Ptq8HX071tyt"
    "/fCRbudCup2BdDuJ9Ewl/WuqqRSDPEVcYp8Le1+/SCJ+gbEBVZQCelguBvWUCO4K682Van"
    "fhi+GwH9mAL3qTGMrfby66RB9i4JNGug3Dyi0H8QJ6UFy2BFXI4wlSEypfE2I3VcvSH5Dw"
    "+5WQle+YwDvG0HPpUDHkw7ISeZHVzTOSTNdF6Xq0hwp38cDSI8LaL/u97mBCyDeTvkO341"
    "8vvw37w6+9MbkaNi7doZvOoPO1OzoHSxWpD9C8Q52rm97gHKgaITx3iMDZ/TrqTHpDco2M"
    "G3xw6dAdGv86nnRvzoG1tmy4LMTm23nYfDudzbfjqsPK1N3hy2nt2rQvxOpqtk+VY/IK68"
    "B0wVHI3LcwhzZP4EsKqgnBQm9MzdDN0gK6/5hE1ip/ir676fzjfUQJ6A8HX/3moSl92R9e"
    "cNE3iulkMVmpk9VZJzMI6t7uLqgXxCSlVlBAKyjwdkUkG2j6bZEfqA2Rsfbe+wN52bwlKv"
    "Ndc1ZawVGPSspRr8uoc5ZY79uH3nWmCHNteKmqYUSmOqP/AemHYSIhhi1HUiLMQdiCpg4t"
    "MWwjMpLWcEF9IqxPGNWQkISVA6uBBVeBkIQENAmorc8eoSCkERkJKscKO7P1J6iIT9akYC"
    "nwHnyMFI06mz/yQ6QIVkmEr7EJ9Qf0C1wnbK4xRL3ovbHXzWFN3N/9CeRfDb6iqT5vovTC"
    "iyD56eQHQ5ewkueDwfd+v8VRZEsA9XLT0YGpWHlxjajvEWRHhE2MepeTVqoyWwK+t7HuGo"
    "oyR5HPgbWnTJWxNgQ9NXR5iOidOVYIVwMoAdrJpqNmIhtRlXIA6/Kqcuas11EzgY0Q0BRg"
    "qdYwVWePz6qpKSnqgwmfdPjMQfzCE7z+ZQQN5oxMB3vEOmnQChyZk/DJz1QojtB4toCaY0"
    "Ct+9QsjYBNMtzG3MkVUueT8A0RnGDyz24V1L2q/nlf5iTtSdnfI290FHV6a9lexq+weAPN"
    "+4b0+/jZOo6m231Mv3syk8e/d5SZxkNbKYbXbFsOT+vHAoPZQkXk24DnhWofgbmJl+RPaM"
    "IPrRic21vnyfwhb5pus2AS9y+KrVgCz4X+8FZyeP7Ubp+cfG5/PDn78un08+dPXz5uiGry"
    "VhZjveh9paT1KOyF2J7pQ+YONpMDkC9yaCNcXdCQ+IC84YAhNj6KCef8AU61BQVCjYvpPj"
    "vNAfLZaSrI9FbMNIwdk0f30hEOJBoH7/FZnjkcd5aG5vAZZw7rvACtzAnM1wlrtSwVBPg0"
    "T0rCaXpGwmkiISHYrfMCHEg0EOB2ngWinb5AtBMLRKAEJTBOVXIiMtJ7zPF1UI0mCehfx8"
    "NBSqaj1z4e26LPbPA/YOzQktn689xBbE0CU0c3bB1ZH+hj/7KrJTkDR4oP7Tk9mDMet3kU"
    "jVehHSSCOWWwWcPCjtKCzRL+sHRTV9I+UR6JvjAJHVm0OBTau3OURaCnrA3cfQ0MWbOiyp"
    "oV7P8CWozfvhwdZr/Q7j5tlawLZOlIKQmSoocHIo3jOSe5MD7JwPgkiTHd4/6DkdAsDstU"
    "iHLXMfEK/vEGWzMsWnelNsxd6i1Sb8lw0XkmwFd6oG7cXprjEeUFO7zWS9e0QAeOd6487d"
    "eLbuJov0HcU7r261rBpfLbLOXXhgZ1RSy5VqYsb1pMsDFhn5W41UIBdgtBvW0jUEr2cK3Y"
    "Ry7ykcE9EmnvFCrlCZo66VK0uERSWOaRCuSROsiHThGe4jzZJuTK73q+79eQUSOSvRNDhk"
    "NUVlGEwzLNm8HlE2tDRQ8OUV5FMA7LVDiTTaeaufwlB8ZfUiH+Ik1F9Q3yyFEQeR8BH1Ms"
    "XFrpYjg5B0TuDvVubocj8kFfrrDpxkV97/RZWJSjGneoc9s7B+pKb+3/VZgaePZIy1fxgl"
    "0zdcOYpFQMRQqM+DVAbfwIkbJQrYXIWpQi3jQyJG3W0mYtC7vIUU+Ouo9RvLBLIU9F/GSP"
    "4pb42GEiBzYXcrksELZf669w7ewD0lFTQcKOPcUvr0NpuOnjsNhxXscXN2FS0O2VL1fyIK"
    "eQm4L6SoialqcbQehZ1W2Dm5EvAtEPr5cuss11kyaTkA81QHVBgeSnPvqw+imQOV7RRpXn"
    "+L2Qp5ntc6neZn8X3OZxVjb77vacxQ6wbHU+B0u4nELzDxagsgAjoHpJXOdug58w0fuOAI"
    "JP0AT01CUEbAzsBfSaJfMbS+05Ty6kPM1s/85xomMvsKkU9pHz5RtUgKpiZ7mHp6gXJiYm"
    "3V153F02fOFshOnVzf32jcjsyrIF7KSquTTONcxMk8c4J+vvlrWJJ4xfsjZcmbXhLjvjy8"
    "5VN6tA0S7jVruaM1O9X50gE8HNTC4RKckGIzIymPWQXvUsfZ2szzo/6T/7MNOwXHVr6gGc"
    "Y7oyMSMutm4bYlGqccHGKd07SuQSxFniK4TvI/lhIvD67RuH7nEudI8z0D1OoruGKqciVP"
    "bS68s0yChSysIrD5GolibIQsdFKMO2Qsd7Jg5k2JYTsnY9ur81wR0i9zPpw5y0VOxw062+"
    "iGsHIWgA8t2Mta3PLIDnQAW0o3PmD7BsuLLIFdfdCZ4J9yLXTew8LI7As24vALXYWElXRJ"
    "kdSwZTLwbjlV9GDvUyiSmCMcHGVacoPyTSfakpQAJAR4QaYeyuQDNkS1IS5fSiWxuBelTd"
    "os+TVbeks+GAnQ0yErhpo15CJPAule8eetL58T/enUyFW2dt8of9kPE14E+OBcnegB6Jvq"
    "vaYKk+Qgs8LzALxsEriCyg20Qz9gq0HBEd2q3PDLBJLofZzM8JtXsXD7lDpCl8Wemm1Mdr"
    "qY/PyMwU0Q799o3Tvk/zJN+dpmffnSbS70ycZurenhfpy1Zol10G5ZhEMiO31YVPrykfX4"
    "ByKe+lV9H2Vb4pp9BzVuhbVK5JFsiKY9683aGA3haVbKDedrh6Gkc9twq8ZCGhBvlPKn7B"
    "GIgFWJFVJiWq2Ug06c2S5o70F+4wiW/Ni4z7hTs5zDdU0zOd+obLh8rgtMZQyb1WWqwl1B"
    "Vv9LI82i7zRSSd11ERyl5yUSOd8D12OCVnjckqaRSRq7Cgkb/sHG49I6levhH1MlI7jB0F"
    "IxaZF5FpEF/fVUjedHMkzyuD8YKzfQ4L37xReJGJJXy0+C6pkFfJhcOEghov6UQoqCWz3Q"
    "XYfYLmGiyhZZFvQlPuVbAiHAqjI/Bs6rYNEdARC48jHSHLPeqRRs6x1Hx2cLHrz5upjgWp"
    "Cy8ZeLejZ+SpBkCmuOsxRdhWpnBOXgFZDKBiVyAZOWHuFhKSPpDCzE3moleYi27ClbFWlq"
    "r56KySoKeH7MXlXhW5V8+duLIQvZVqWlBZCgYfRKWaV2+8fO+2BjVnpTxCoVOMI0KNC/Q4"
    "PssV/3uWEf97JvPuqjuFe6MZFjG8bYQrBHoFkeYl0YhY3m67g6ve4Os58OTv0Ni/YoWuTN"
    "hH+w5dd3r97hX9BroBtTt02Rlcdvvs0oxiYZCrRex1x/nC4zOi4xPHdgQqfWIYsy1IUckG"
    "WpAOxGKUyw+tEoK4XPHqWmZnyIblZHGCSPkclcxqTXGQrRvCxte4sAziqPPLY6i0bItpYq"
    "GkuKhU45SJ3ZSg8L3Nnp2ruLs62kGDDN4VWz+khyl9QJrrYaJabIEhD4nJHa3OO9p+iv/V"
    "bEDLsdnXqWxKAwHOcNFWX1yxZvjmddGm11YMXLRpE7kEeAXL0RwoyNuq0ezbGx4ZBY5PPD"
    "5K+apZyjjhZvmZ5YnsbzlMuEaeoJ2ECatT7Aj58jcCDTDfVO3K556kvMXazD1I+ZB13zJM"
    "zRZ8UdJ03fSVISrVgPm764JcSx15gCkFpm5SWs7iKLzqy2vgTUhLeKOcjcWCqoZC1Wh1tX"
    "aBEVgvUjto3NKxE9UiAZ/mmJsq/4XHINyJHIc847AkD6NRaCrHKZsOfFRKIp1LmdY0dm4B"
    "ma4MOaESi1xhWW4xWwkvEMtpPeqG2MgEEnI4Sh8OAgX/AN708QiJyAEpfUA2ZitaU09kx0"
    "gINm7T2EmAh6XbUBjriJDEOQ/OT4/CKIdEJMZ5MKaUf2XqMw7NyjQTbGQaRGFLc6LTYRMG"
    "NSwjQU2Cqls0NYqoETynzpbCDCHBCiszbK4cbGmGhWops4VuaCbk2AAyUY+LStwFcFcNQ6"
    "HnjLgrQkoaWyb8KT3IURAYhbluWrYyN2GhEeBIS/RF1h5orJSFirQi4CeFJfYC2FtwZkKb"
    "AGhxqodkuesiYqXkz9bInV++u26mks411VRs/AiRMN4p4hL3bbgvMbIXxppwxaXOcUhvce"
    "PFhavLKWsfQFKZe4CWgueer9MiKgh+0jWe3p6KcXYnjUniK40c0WyE/2AkePJtIFOhsaTr"
    "mHgF/3iDrRl+rsZyUv4CYqjoweGGAGTl0gUyFeJtOtWALMswHrbOJ5Pk0id6c5Pk5KFmTR"
    "t1H6NXHGoWMkStVpjgsaQqGGch9qSvfxlBIy3Gx0vN6AQ9HeBcSEugibxLUHNmKeFSIkh1"
    "w900EaegKmVxkILql4flFckFkJUSYCEC0HjTRxOnkGXg1y5IY9JFk+FRTMd49SQi/Ywc4x"
    "B371w4uWd+vxKkCeukoUvRs6rbBjeFVgSiH14vXWSb6wYhtctc1xF80uFzi5Pl6t05yspv"
    "NVmbHWS2/hbWCVuunrnApltLWaa87inl1RuEBLD5ihgG0nWu99u67PdYeULXJFz6yZ/tPG"
    "UJ2+llCduJA13IquiWaRRxLwRSDYoCKsOxUP8a1o1Je5W2wPQJfZhWoTy2wNDGLlb6JynY"
    "pFL9uyr9E9OjolgLF6hppn3tKFagJjnTIvVpLjvjy85Vd1/lacazBdQIXda6TxBxC9TEWm"
    "Sq8JbfVoFPvv11+zEuHbAyVISgBrzTU+bYBCoCIeR+BpZjPulP0AJk8bBV07aOgOkgC2Ay"
    "xZKntpTTZR4uwaqWx5lE6OwWjXRAdhZ5bkul5CK99vx2alF9HfoixGI4uO6NbpRR92/fu5"
    "RLEIDnurlUTEieaxGqEbS46Q2uuiOl3f4Wbrak38gkVxe8tsfctsekbef7ZKi4hdXPAduc"
    "3dLqtBL7eNwbDja90KrslkW+8KaHOzTq/r3X/RF8bZf0B9/aO2tR6fS7o8nmxEVFNaBJfx"
    "O5PLjqjJTxr4NLWtPdCyaz1mhWhEC180RZtNOjLNqJKAvvdRdUQQOpBqqfB6JucpyQSX3z"
    "7R68MPo+GLArZItE7MoVwfgcaBhB/kELpMVoeHtLr2kmXq3olegBDYVsHqUfxSBr9LfKtX"
    "rIGv1vZ0HEjj3DYrXzQiINsHNVkPAqTVvp6DfXtDXXkW4tCg17TFSuoHVeQaUJU5owpQnz"
    "NSZMN2yMZ7rcBJRlmCyDNlsNlT8gfDTWvlXDoqc8E/bjOXcBzV1mn8Nu3SMwxfiR2iHtFF"
    "NlWZ3Kkt71MkE+k3EV5pQboSYt5aVwSqkDv0EdeD/n5dRugBt3YE4TEc7QOas/MaduAOfV"
    "NNOPzBmRtWTUu5zU6cicQ0V525k5AdZ1Triqp02i2ohrwnCeaAE2Pvl58mqzZbIf2kgeJ9"
    "Qs7rHf42z2vZlXUHVesFLi66ok1tFPWJoy6pfaV5Y6Jwk1my3HZatD9+wA3LCyHIUsR1Gb"
    "Nbm5NoqpSTjFQoxHR2QalDOzKwLt4lUCwbvYdHRY+OZldpGJJXwOquR0teB0NMufR+i87P"
    "8MNueXGCg7fzZuZnHD5Tdx7fHId++e29B2LBn9Xi39iwyBiB4SEWygGnIgakeuuBFJnHZ2"
    "8Ke7aCUwzR/l7fB8uLuMbqQ1u1tiyLauR90u6YxI3qFv3f7VOViQ33WHCCP6hcZouzEGrX"
    "zo77KuIv1axYKJo5IyDq7O65lkz+lvV3PZs/RF79rASmtqiSEbkpC2Ce4pD5oyXYthGhUq"
    "BdaDpzAZBh/p19+FX38TqBtfH0qAWKDuXs3Wh7zohpZFaVmrpurqfA7NV6Lk1/Eb0r4a9O"
    "5zTJCJLSqJ3BDBCSb/lB1vVqu9Ke8LHd2T87zTaXi7/lIlM7fEn7T+ELzVF7yANZztKykW"
    "cX/PybaKB5Vl85SjeXZTMkw4c0z6I5mRBFDyeA7gEzTX4J420dT1PU3BuF/qyLHhPXiH58"
    "BeQEBuvAc6Avf+eSX3vAo1O3jKHerZFmBuAKCaECxVDQJ1QdgjmK6BCv6Fpz+TBy7xE30e"
    "7YTiAgyo0jI49LMrq9tMNL0ITlw/874oo5fsa8rimntPPvHGQzT9xBNrEpcuwyjsTWtBQA"
    "MpiaeM+6qo6Kg8WKvaExGl4VoarqXhWpoE60CvjoqaBPPYrqo7wuSQyOyu4sC8Qzo4vDc4"
    "viOd9YbOCclDeb0CjODdnfPx9OQz+/cj/fd0zv5us39V9/oRZYza+3PwvCDElNJGr1qBat"
    "GqBG6tVY3cxUtKJZ9Vi9BJm9aGBTbmUeGKn749Xem3TRVQGcG2lwQmdpiuiAYbSJSjv9bo"
    "MOmTPMc8nKQf83CSOObhsMrjEi3ywTFUU5AgtEbdr9/7nREtMsvkWZjTrfKtM3BjnVbKQk"
    "U1KUJ5gDFnhLkh0SEZ3nYH54BK3qHOeNz7OqCRZqplEd2N1ge97A/HrIiogS32mVNXtB4D"
    "RoDin3j31/FwwF+iQiJxrqfPbPA/YOxQF239ee4gtxb61NENW0fWB/q8v+yKdmcATiGK0L"
    "zEASDxsz6OovyNdhA/AGRlwjk0IZqJDUpMrB4DQx/bnIEJURCxoYkL1mNwGvXWpFC69EHZ"
    "CMjB2MESps8ILdHFNN+oVCEFoGZ0O7Z3n+XZu+OmwNDefRbfuw0dPXJtdukgh0RKQbhG9K"
    "J83UhaxNOhb65F3FlpBUc9KilHvS6jzsnbSMTo7adEX902rLIr9NFjcbBjCTqWolIS2DqW"
    "PmwgwBlOu+orH9YM37x+uvTCh0EoKm+FKAHaph0GH4c2tizmAXevruZDhXmLp1mmSewqTQ"
    "LBF1sJ+XuLY9W0pWCn/vnvFtT6ZLqjCX6EqMXx08daHGX56x3SVqFvDxkU2jq35x4j+BOl"
    "RWBq4mcLmoB1AqjBAqgGJR5rAF9mCxU9+N5x/7AB8E63LcAe9wcL/MvW3/Oc8+U/QJYLrZ"
    "e3nQyMiC3Ma944P3v5oaE22f0eTHXJpRoX+kPqzI0JNik+8E/t9snJ5/bHk7Mvn04/f/70"
    "5eNmOidvZc3ri95XOrUjg5FkfPBlpZuwSDGkqGQDrVKHa4XiGB+tYpZHq8lmx0Mf4IRhIZ"
    "057FLR81OIu8g21zw9L9ogU8179prm1e78Y6CIGEsRZNqVmyOYcjQUacHuqGhNYyC92EeW"
    "3aebHPWu5CfcoU0w570X8HL/nsggmq9ogXv6OilzEy/vP3xwP9j4/ghYmCiYXvqZdeR9A/"
    "IYpOFn8M5No7LuUJD6SDMfg9hPol3S9JX3H8C1bpJn0wNGj8Cc/c2yyKGWO/Jzc0xzyBkl"
    "wz8rVUhlcFXNIhM2by1/g01J0wsLZW2vzdpa6XbJg8/GwuC5Im8aOn9PEFkLwjJyMSh9MX"
    "B345TlIE8+dNqicMgetPJyzLkLRS5YucvFWwdVpkNXa/PaqM9FExmqRt1jPoJ4t350epPe"
    "4Ou5z5zu0PD6ujuiqQoe44iX0q1zOoMM2UuH/jCDt2TI3lsc9fqG7NVugGVoWf0BrlVoWd"
    "1m8Otjy7gFYWX0077rbMi6p3sK6YmCluHp2aC63dOjBKOZx+FDi0Bq1MWC4DOrxuizCWBj"
    "5ovxHTXuW33kel0soBr0JjvrAtwHrmtu5cnSn0G4D7nBOgEr8h+kjjBWhYP2fg5UYKgriz"
    "6TNdEt8uQn8odbn/JBpb4c7NafJHi74unFJ6HvZqOdc06gwo5N/T+0RciHL104lbpwQoNQ"
    "xBAQEj+gkgaTzi/0g60+0k/9zi0rZuDO/TtEFfurUefHwPWsamQDQfVg/97rX4AHRiUbyA"
    "MPl/cl6b6MhXobw0z3RzEKGhaR7J7D7lkRcSFIQxIS0e10fqPUvZJuJmKxDgzmvIQz/MZu"
    "5/SWV3bxleDmrN54qJiGXllR8r5LVtqBpj5btDh01LtzlMVD1aBNqacCy4yNPbIrQp4tz/"
    "yT16cdEqmOUVWWu9H+9CkHKSKtUlkRuxfd9OlLJYCw17yB6B5/zEc5szhn0uWMkc214KcH"
    "doVEqo/r2g/7KC2Ca6/B9L//P1CEP78="
)
