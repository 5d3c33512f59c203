//! The durable job queue's rules (docs/ARCHITECTURE.md, "Jobs"): a job's states, its kinds and
//! how long to wait before the next attempt.

use serde::{Deserialize, Serialize};

/// Where a job is.
///
/// | from \ event     | claimed | succeeded | failed, attempts left | failed, none left | retried by staff | cancelled by staff |
/// |------------------|---------|-----------|-----------------------|-------------------|------------------|--------------------|
/// | queued           | running | –         | –                     | –                 | –                | cancelled          |
/// | running          | running (lease ended) | done | queued (later) | dead              | –                | –                  |
/// | dead, cancelled  | –       | –         | –                     | –                 | queued (now)     | –                  |
/// | parked           | –       | –         | –                     | –                 | queued (now)     | cancelled          |
/// | done             | –       | –         | –                     | –                 | –                | –                  |
///
/// A running job whose transport this deployment lacks (an e-mail with no SMTP server
/// configured) is parked instead of failing: it keeps its attempts, no worker claims it, and it
/// is queued again when a process with that transport starts (or by staff).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
    Cancelled,
    Parked,
}

impl JobState {
    pub const ALL: [JobState; 6] =
        [Self::Queued, Self::Running, Self::Done, Self::Dead, Self::Cancelled, Self::Parked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
            Self::Parked => "parked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether staff may put the job back in the queue.
    pub fn can_retry(self) -> bool {
        matches!(self, Self::Dead | Self::Cancelled | Self::Parked)
    }

    /// Whether staff may cancel the job.
    pub fn can_cancel(self) -> bool {
        matches!(self, Self::Queued | Self::Parked)
    }
}

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Send one e-mail of an outbox message to the buyer.
    DeliverEmail,
    /// Post one outbox message to one merchant webhook endpoint.
    DeliverWebhook,
    /// Send one text message of an outbox message to the buyer's phone.
    DeliverSms,
    /// A job that only records that it ran (the queue's own tests and health checks).
    Probe,
    /// The scheduled check of overdue steps of a warehouse or the operator (SLA-2).
    FollowUpSweep,
    /// The scheduled check of parcels on their way against the lane rules time breaks (SHP-6).
    TrackingSweep,
    /// The daily completion of delivered and settled orders (DONE-1).
    CompletionSweep,
    /// Makes the replacement order of an after-sales request (AFS-6).
    ReplacementOrder,
    /// Polls the operator's marketplace connections for new and changed orders (ORD-1).
    ChannelPoll,
    /// Sends an order's tracking numbers back to the channel it came from (SYS-3).
    ChannelTrackingPush,
    /// Ends an unpaid order's payment window: its stock goes back (ORD-5, INV-2).
    PaymentWindowExpiry,
    /// Sends one answer of a ticket to the buyer through the ticket's channel (CS-1).
    TicketReply,
    /// Takes in a large channel webhook delivery after it was answered (ORD-1).
    ChannelDelivery,
}

impl JobKind {
    pub const ALL: [JobKind; 13] = [
        Self::DeliverEmail,
        Self::DeliverWebhook,
        Self::DeliverSms,
        Self::Probe,
        Self::FollowUpSweep,
        Self::TrackingSweep,
        Self::CompletionSweep,
        Self::ReplacementOrder,
        Self::ChannelPoll,
        Self::ChannelTrackingPush,
        Self::PaymentWindowExpiry,
        Self::TicketReply,
        Self::ChannelDelivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeliverEmail => "deliver_email",
            Self::DeliverWebhook => "deliver_webhook",
            Self::DeliverSms => "deliver_sms",
            Self::Probe => "probe",
            Self::FollowUpSweep => "follow_up_sweep",
            Self::TrackingSweep => "tracking_sweep",
            Self::CompletionSweep => "completion_sweep",
            Self::ReplacementOrder => "replacement_order",
            Self::ChannelPoll => "channel_poll",
            Self::ChannelTrackingPush => "channel_tracking_push",
            Self::PaymentWindowExpiry => "payment_window_expiry",
            Self::TicketReply => "ticket_reply",
            Self::ChannelDelivery => "channel_delivery",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Attempts before the job is dead: deliveries keep trying for about a day.
    pub fn max_attempts(self) -> u32 {
        match self {
            Self::DeliverEmail
            | Self::DeliverWebhook
            | Self::DeliverSms
            | Self::ReplacementOrder
            | Self::ChannelTrackingPush
            | Self::PaymentWindowExpiry
            | Self::TicketReply
            | Self::ChannelDelivery => 12,
            Self::Probe
            | Self::FollowUpSweep
            | Self::TrackingSweep
            | Self::CompletionSweep
            | Self::ChannelPoll => 3,
        }
    }
}

/// The wait before attempt `failed + 1` after `failed` attempts failed: 15 s, doubling, at most
/// 4 h (15 s, 30 s, 1 min, 2 min … a day in 12 attempts).
pub fn retry_delay_ms(failed: u32) -> i64 {
    const FIRST_MS: i64 = 15_000;
    const MOST_MS: i64 = 4 * 3_600_000;
    let doublings = failed.saturating_sub(1).min(20);
    (FIRST_MS << doublings).min(MOST_MS)
}

#[cfg(test)]
mod tests {
    use super::JobKind;

    /// Every kind is in `ALL` (a new variant must be added to this match, and so to `ALL`) and
    /// reads back from its name, as stored jobs are read.
    #[test]
    fn every_job_kind_is_listed_and_reads_back() {
        let position = |k: JobKind| match k {
            JobKind::DeliverEmail => 0,
            JobKind::DeliverWebhook => 1,
            JobKind::DeliverSms => 2,
            JobKind::Probe => 3,
            JobKind::FollowUpSweep => 4,
            JobKind::TrackingSweep => 5,
            JobKind::CompletionSweep => 6,
            JobKind::ReplacementOrder => 7,
            JobKind::ChannelPoll => 8,
            JobKind::ChannelTrackingPush => 9,
            JobKind::PaymentWindowExpiry => 10,
            JobKind::TicketReply => 11,
            JobKind::ChannelDelivery => 12,
        };
        let listed: Vec<usize> = JobKind::ALL.iter().map(|k| position(*k)).collect();
        assert_eq!(listed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
    }

    use super::*;

    #[test]
    fn states_and_kinds_read_back_as_themselves() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(JobState::parse("waiting"), None);
        assert_eq!(JobKind::parse("send_fax"), None);
    }

    #[test]
    fn only_dead_cancelled_or_parked_jobs_are_retried_and_only_waiting_ones_cancelled() {
        let retry: Vec<JobState> = JobState::ALL.into_iter().filter(|s| s.can_retry()).collect();
        let cancel: Vec<JobState> = JobState::ALL.into_iter().filter(|s| s.can_cancel()).collect();
        assert_eq!(retry, [JobState::Dead, JobState::Cancelled, JobState::Parked]);
        assert_eq!(cancel, [JobState::Queued, JobState::Parked]);
    }

    #[test]
    fn retries_back_off_exponentially_up_to_four_hours() {
        let delays: Vec<i64> = (1..=12).map(retry_delay_ms).collect();
        assert_eq!(&delays[..4], [15_000, 30_000, 60_000, 120_000]);
        assert!(delays.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(delays[11], 4 * 3_600_000);
        assert_eq!(retry_delay_ms(u32::MAX), 4 * 3_600_000, "never overflows");
        let total: i64 = delays.iter().sum();
        assert!(total > 12 * 3_600_000 && total < 36 * 3_600_000, "about a day: {total}");
    }
}
