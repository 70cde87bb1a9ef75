from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class PlanNotFound(NotFound):
    code = "pathway_plan.not_found"
    title = "Pathway plan not found"


class NotADraft(Conflict):
    code = "pathway_plan.not_a_draft"
    title = "Only a draft can be changed"


class WrongStatus(Conflict):
    code = "pathway_plan.wrong_status"
    title = "The plan is not in a state that allows this"


class OpenVersionExists(Conflict):
    code = "pathway_plan.draft_exists"
    title = "A version is already being written"


class NotCurrent(Conflict):
    code = "pathway_plan.not_current"
    title = "This is not the young person's current plan"


class Incomplete(InvalidInput):
    code = "pathway_plan.incomplete"
    title = "The plan is not ready to submit"


class SelfAuthorisation(Forbidden):
    code = "pathway_plan.self_authorisation"
    title = "You cannot authorise a plan you wrote"


class ActionDropped(Conflict):
    code = "pathway_plan.action_dropped"
    title = "This action was dropped"


class NotYourAction(Forbidden):
    code = "pathway_plan.not_your_action"
    title = "Only your own actions can be marked by you"


class ActionNotFound(NotFound):
    code = "pathway_plan.action_not_found"
    title = "No such action in this plan"


class ReportOutOfScope(Forbidden):
    code = "pathway_plan_report.out_of_scope"
    title = "Not your team"
