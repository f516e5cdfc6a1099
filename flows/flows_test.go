package flows

// allFlows is every conversation, as the bot registers them.
var allFlows = Registry{
	FlowSleep: SleepLog, FlowPlanCheck: PlanCheck, FlowOnboarding: Onboarding, FlowConsent: ConsentChange,
	FlowCheckIn: CheckIn, FlowDebrief: Debrief, FlowAdjustmentReview: AdjustmentReviewFlow,
}
