from enum import StrEnum


class DevicePlatform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"  # the app installed from a browser (a progressive web app)
