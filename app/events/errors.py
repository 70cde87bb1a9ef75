from app.core.errors import Conflict, InvalidInput, NotFound


class SubscriptionNotFound(NotFound):
    code = "webhook.subscription_not_found"
    title = "Webhook subscription not found"


class DeliveryNotFound(NotFound):
    code = "webhook.delivery_not_found"
    title = "Webhook delivery not found"


class InvalidSubscription(InvalidInput):
    code = "webhook.invalid_subscription"
    title = "The subscription cannot be made as asked"


class NotDeadLetter(Conflict):
    code = "webhook.not_dead_letter"
    title = "Only a dead letter can be replayed"
