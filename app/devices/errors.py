from app.core.errors import NotFound


class DeviceNotFound(NotFound):
    code = "device.not_found"
    title = "Device not found"
