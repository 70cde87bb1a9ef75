from app.core.errors import Forbidden, NotFound


class DeviceNotFound(NotFound):
    code = "device.not_found"
    title = "Device not found"


class DeviceNeedsOwnSignIn(Forbidden):
    code = "device.sign_in_required"
    title = "Only a sign-in with this service can register a device"
