//! The end of a call's life in the engine: a call that ended behind no older call in progress is released —
//! audited, turned into its record and handed to the sink, in call-id order — and a number with no attempt to
//! come has its AAPOR class counted. A child module of the engine.

use super::*;
use crate::compliance::{AuditName, AuditReceipt, AuditWithdrawal, erase_withdrawn};

impl<'a> Engine<'a> {
    /// A number with no attempt to come: its AAPOR class is counted.
    pub(super) fn number_done(&mut self, state: NumberState) {
        self.stats.fold_number(state.best);
    }

    /// Hands the suppression entries made so far to the auditor.
    pub(super) fn feed_suppressions(&mut self) {
        for e in &self.suppression[self.audited_suppressions..] {
            self.auditor.suppression(e.number.key(), e.time_ms, e.call_id);
        }
        self.audited_suppressions = self.suppression.len();
    }

    /// The run's records made final and audited: names under a withdrawn receipt are erased (the records a
    /// run ends with hold none), then the self-audit checks every name with the folder audit's own code.
    pub(super) fn finish_records(&mut self) {
        self.feed_suppressions();
        self.names = erase_withdrawn(&self.names, &self.ledger);
        let (mut receipts, mut withdrawals) = (Vec::new(), Vec::new());
        for e in &self.ledger {
            match e {
                LedgerEntry::Consent(c) => receipts.push(AuditReceipt {
                    id: c.id.clone(),
                    key: c.number.key(),
                    ms: c.time_ms,
                    call_id: Some(c.call_id),
                }),
                LedgerEntry::Withdrawal(w) => withdrawals.push(AuditWithdrawal {
                    receipt_id: w.receipt_id.clone(),
                    key: w.number.key(),
                    ms: w.time_ms,
                    line: None,
                }),
            }
        }
        let names: Vec<AuditName> = self
            .names
            .iter()
            .map(|n| AuditName {
                key: n.number.key(),
                call_id: n.call_id,
                ms: n.time_ms,
                receipt: n.receipt.clone(),
                line: None,
            })
            .collect();
        let auditor = std::mem::replace(&mut self.auditor, Auditor::new(self.s, Box::new(|_| None)));
        self.violations = auditor.finish(&receipts, &withdrawals, &names);
    }

    /// Releases the calls that have ended behind no older call in progress: each is audited and its record
    /// handed to the sink, in call-id order.
    pub(super) fn release(&mut self) {
        while let Some((id, call)) = self.calls.ended_front() {
            let mut record = CallRecord::of(id, call);
            record.basis = self
                .fresh
                .known_basis(record.number.key())
                .unwrap_or_else(|| self.s.basis_of(!self.s.numbers.list.is_empty() && record.referral_of.is_none()));
            self.calls.pop_front();
            // Every suppression made so far is at or before now, and so at or after no later dial.
            self.feed_suppressions();
            self.auditor.call(&AuditCall {
                call_id: id,
                key: record.number.key(),
                dial_ms: record.dial_ms,
                outcome: record.outcome,
                ring_s: record.ring_ms.secs(),
                wait_s: record.wait_ms.secs(),
                offered: record.offered,
                basis: record.basis,
                amd: record.amd,
                callback_of: record.callback_of,
            });
            match &mut self.records {
                RecordSink::Discard => {}
                RecordSink::Keep(all) => all.push(record),
                RecordSink::Stream(sink, error) => {
                    if error.is_none()
                        && let Err(e) = sink(&record)
                    {
                        *error = Some(e);
                    }
                }
            }
        }
    }
}

impl CallRecord {
    fn of(id: u32, call: &Call) -> CallRecord {
        let now = call.ended.get().unwrap_or(call.dialed);
        let ring_end = call.answered.get().unwrap_or(now).min(now);
        CallRecord {
            call_id: id,
            number: call.number,
            attempt: call.attempt,
            dial_ms: call.dialed,
            outcome: call.outcome.expect("set"),
            ring_ms: ring_end - call.dialed,
            wait_ms: call.silence(),
            talk_ms: call.talk,
            wrap_ms: call.wrap,
            agent: call.agent.get().filter(|_| call.connected.is_some()),
            offered: call.offered,
            referral_of: call.referral_of.get(),
            callback_of: call.callback_of.get(),
            amd: call.amd,
            basis: crate::jurisdiction::Basis::None,
        }
    }
}
