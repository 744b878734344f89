"""Every event type on the wire -> its `data` model, and which types each partner topic accepts."""
from __future__ import annotations

from pydantic import BaseModel

from contracts import cppp, learning, notification, ops, plan, referral, workshop

DATA_MODELS: dict[str, type[BaseModel]] = {
    # partner input
    referral.REQUESTED: referral.ReferralRequested,
    referral.WITHDRAWN: referral.ReferralWithdrawn,
    referral.ERASURE_REQUESTED: referral.ErasureRequested,
    cppp.SESSION_RECORDED: cppp.CpppSessionRecorded,
    learning.ACCOUNT_ACTIVATED: learning.AccountActivated,
    learning.MODULE_COMPLETED: learning.ModuleCompleted,
    learning.SURVEY_SUBMITTED: learning.SurveySubmitted,
    learning.INVITATION_REISSUE_REQUESTED: learning.InvitationReissueRequested,
    workshop.SESSION_SCHEDULED: workshop.SessionScheduled,
    workshop.SESSION_CANCELLED: workshop.SessionCancelled,
    workshop.BOOKING_REQUESTED: workshop.BookingRequested,
    workshop.BOOKING_CANCELLED: workshop.BookingCancelled,
    workshop.ATTENDANCE_RECORDED: workshop.AttendanceRecorded,
    workshop.FOLLOW_UP_RECORDED: workshop.FollowUpRecorded,
    workshop.SAFEGUARDING_CONCERN_RAISED: workshop.SafeguardingConcernRaised,
    plan.OPENED: plan.PlanOpened,
    plan.PROPOSAL_SUBMITTED: plan.ProposalSubmitted,
    plan.RESPONSE_SUBMITTED: plan.ResponseSubmitted,
    plan.SHARED: plan.PlanShared,
    plan.VIEWED: plan.PlanViewed,
    plan.FINISHED: plan.PlanFinished,
    # outbound facts
    referral.ACCEPTED: referral.ReferralAccepted,
    referral.REJECTED: referral.ReferralRejected,
    referral.WITHDRAWAL_ACCEPTED: referral.WithdrawalAccepted,
    referral.COMPLETED: referral.ReferralCompleted,
    referral.NON_COMPLETION_REPORTED: referral.NonCompletionReported,
    referral.PARENT_REFERRED: referral.ParentReferred,
    referral.PARENT_CLOSED: referral.ParentClosed,
    referral.PERSON_ERASED: referral.PersonErased,
    learning.INVITATION_SENT: learning.InvitationSent,
    learning.ELEARNING_COMPLETED: learning.ElearningCompleted,
    learning.CERTIFICATE_ISSUED: learning.CertificateIssued,
    learning.FEEDBACK_RECORDED: learning.FeedbackRecorded,
    learning.CERTIFICATE_NAME_RECORDED: learning.CertificateNameRecorded,
    workshop.PARENT_ATTENDED: workshop.ParentAttended,
    workshop.SAFEGUARDING_CONCERN_RECORDED: workshop.SafeguardingConcernRecorded,
    workshop.BOOKING_CONFIRMED: workshop.BookingConfirmed,
    workshop.BOOKING_REFUSED: workshop.BookingRefused,
    workshop.BOOKING_RELEASED: workshop.BookingReleased,
    workshop.PARENT_ABSENT: workshop.ParentAbsent,
    workshop.ATTENDANCE_REFUSED: workshop.AttendanceRefused,
    workshop.FOLLOW_UP_DUE: workshop.FollowUpDue,
    workshop.FOLLOW_UP_OVERDUE: workshop.FollowUpOverdue,
    workshop.FOLLOW_UP_OUTCOME_RECORDED: workshop.FollowUpRecordedFact,
    plan.PLAN_OPENED: plan.PlanOpenedFact,
    plan.OPENING_REFUSED: plan.PlanOpeningRefused,
    plan.AREA_UPDATED: plan.PlanAreaUpdated,
    plan.PLAN_COMPLETED: plan.PlanCompleted,
    plan.PLAN_SHARED: plan.PlanSharedFact,
    plan.PLAN_CLOSED: plan.PlanClosed,
    plan.PLAN_VIEWED: plan.PlanViewedFact,
    plan.PLAN_FINISHED: plan.PlanFinishedFact,
    notification.CONTACT_RECORDED: notification.ContactRecorded,
    notification.REQUESTED: notification.NotificationRequested,
    notification.SENT: notification.NotificationSent,
    notification.FAILED: notification.NotificationFailed,
    # operator control facts
    ops.REPLAY_BEGAN: ops.ReplayBegan,
    ops.REPLAY_ENDED: ops.ReplayEnded,
}

PARTNER_TYPES: dict[str, frozenset[str]] = {
    "referrals": frozenset({referral.REQUESTED, referral.WITHDRAWN, cppp.SESSION_RECORDED,
                            referral.ERASURE_REQUESTED}),
    "learning": frozenset({learning.ACCOUNT_ACTIVATED, learning.MODULE_COMPLETED,
                           learning.SURVEY_SUBMITTED, learning.INVITATION_REISSUE_REQUESTED}),
    "workshops": frozenset({workshop.SESSION_SCHEDULED, workshop.SESSION_CANCELLED,
                            workshop.BOOKING_REQUESTED, workshop.BOOKING_CANCELLED,
                            workshop.ATTENDANCE_RECORDED, workshop.FOLLOW_UP_RECORDED,
                            workshop.SAFEGUARDING_CONCERN_RAISED}),
    "plans": frozenset({plan.OPENED, plan.PROPOSAL_SUBMITTED, plan.RESPONSE_SUBMITTED, plan.SHARED,
                        plan.VIEWED, plan.FINISHED}),
}


def data_model_for(event_type: str) -> type[BaseModel] | None:
    return DATA_MODELS.get(event_type)
