//! The compliance flow inside the engine: the conversation of a connected call (objection offer, names and
//! consent, referrals), suppression, withdrawals, and the injected faults. A child module of the engine, so it
//! works on the engine's state directly.

use super::*;

/// Whether the `ignore_suppression` fault (probability `p`) dials the blocked number `key` at `attempt`.
pub(super) fn dials_anyway(seed_key: u64, p: f64, key: u64, attempt: u32) -> bool {
    p > 0.0 && uniform(seed_key, key, attempt, Purpose::IgnoreSuppressionFault.id(), 1) < p
}

impl<'a> Engine<'a> {
    /// How long a referral link is kept while its referee has not been reached.
    pub(super) fn link_retention(&self) -> Millis {
        u64::from(self.s.compliance.retention.referral_link_days) * DAY
    }

    /// Whether the referral link of a lead referred by `referral_of` has outlived its retention unreached.
    pub(super) fn link_expired(&self, referral_of: Option<u32>) -> bool {
        referral_of
            .and_then(|from| self.referral_links.get(&from))
            .is_some_and(|&(at, reached)| !reached && self.now >= at + self.link_retention())
    }

    /// The referring calls whose link ends unreached within the simulated period (`run.days` days from day 0):
    /// erased from the records by then.
    pub(super) fn erase_expired_links(&mut self) {
        let end = u64::from(self.s.run.days) * DAY;
        let keep = self.link_retention();
        self.erased_links = self
            .referral_links
            .iter()
            .filter(|&(_, &(at, reached))| !reached && at + keep <= end)
            .map(|(&from, _)| from)
            .collect();
        self.stats.compliance.referral_links_erased = self.erased_links.len() as u64;
    }

    /// Whether a number may not be dialled now (suppressed in this run, or held by an exclusion source).
    pub(super) fn blocked(&self, key: u64) -> bool {
        self.suppressed.get(key).is_some_and(|&t| t <= self.now) || self.fresh.exclusions().source_of(key).is_some()
    }

    /// The injected fault of dialling a blocked number anyway (counted).
    pub(super) fn ignores_block(&mut self, key: u64, attempt: u32) -> bool {
        let hit = dials_anyway(self.key, self.s.compliance.faults.ignore_suppression, key, attempt);
        if hit {
            self.stats.compliance.faults_injected.ignore_suppression += 1;
        }
        hit
    }

    pub(super) fn suppress(&mut self, number: PhoneNumber, call_id: u32, scope: &'static str) {
        self.suppressed.or_insert(number.key(), self.now);
        self.suppression.push(SuppressionEntry { number, time_ms: self.now, call_id, scope });
    }

    pub(super) fn withdraw(&mut self, i: u32) {
        let LedgerEntry::Consent(r) = &mut self.ledger[i as usize] else {
            return;
        };
        // The withdrawal erases the name everywhere it is held: the receipt stays, minimal, without it
        // (names.csv loses it when the records are made final).
        r.name = None;
        let (receipt_id, number, call_id) = (r.id.clone(), r.number, r.call_id);
        let id = record_uuid(self.key, "withdrawal", &[u64::from(call_id), number.key()]);
        self.ledger.push(LedgerEntry::Withdrawal(Withdrawal { id, receipt_id, number, time_ms: self.now }));
        self.stats.compliance.withdrawals += 1;
        self.suppress(number, call_id, "withdrawal");
    }

    /// What the ringing of an attempt on a referee's number ends in: never a special information tone (a
    /// referral is a working number), busy, the referee, a machine or no answer by `[referrals]`' rates, from
    /// the same draw a fresh number's attempt uses.
    pub(super) fn referee_fate(&self, nk: u64, attempt: u32) -> Fate {
        let r = &self.s.referrals;
        let u = uniform(self.key, nk, attempt, Purpose::AttemptFate.id(), 0);
        if u < r.busy {
            Fate::Busy
        } else if u < r.busy + r.person {
            Fate::Person
        } else if u < r.busy + r.person + r.machine {
            Fate::Machine
        } else {
            Fate::NoAnswer
        }
    }

    /// The conversation of a connected call: its talk time and outcome, through the compliance flow.
    pub(super) fn converse(&mut self, c: u32) -> (Millis, Outcome) {
        let call = &self.calls[c];
        let (number, attempt, referral_of, fate, stratum) =
            (call.number, call.attempt, call.referral_of.get(), call.fate, call.stratum);
        let nk = number.key();
        let s: &'a Scenario = self.s;
        let (g, cp) = (&s.agents, &s.compliance);
        let talk = |dist, key| millis(sample_for(dist, key, nk, attempt, Purpose::Talk));
        if fate == Fate::Machine {
            return (talk(&g.machine_talk, self.key), Outcome::MachineMessage);
        }
        // A person on a referee's number: reached, when dialled while the link was still kept.
        let (dialed, keep) = (self.calls[c].dialed, self.link_retention());
        if let Some(from) = referral_of
            && let Some(link) = self.referral_links.get_mut(&from)
            && dialed < link.0 + keep
        {
            link.1 = true;
        }
        let h = number_hash(self.key, nk);
        let draw = |p: Purpose, attempt: u32| uniform_of(h, attempt, p.id(), 0);
        // The number's stratum rates: object, give_name and consent default to `[compliance]`'s.
        let r = *self.fresh.stratum_of(stratum).1;
        // Identification, purpose and the offer to object open every connected call.
        let skip = below(cp.faults.skip_objection_offer, || draw(Purpose::ObjectionOfferFault, attempt));
        if skip {
            self.stats.compliance.faults_injected.skip_objection_offer += 1;
        }
        self.calls[c].offered = Some(!skip);
        if !skip && below(r.object, || draw(Purpose::Object, 0)) {
            self.stats.compliance.objections += 1;
            self.suppress(number, c, "marketing");
            return (talk(&g.refusal_talk, self.key), Outcome::Objected);
        }
        // "Call me later": a first contact (not a callback itself) may ask for another time.
        if self.calls[c].callback_of.is_none()
            && below(s.callbacks.probability, || draw(Purpose::CallbackRequest, attempt))
        {
            return (talk(&g.refusal_talk, self.key), Outcome::Callback);
        }
        let cooperate = if referral_of.is_some() { s.referrals.cooperate } else { r.cooperate };
        if !below(cooperate, || draw(Purpose::Cooperate, 0)) {
            return (talk(&g.refusal_talk, self.key), Outcome::Refused);
        }
        let mut talk_ms = talk(&g.talk, self.key);
        if below(r.give_name, || draw(Purpose::GiveName, 0)) {
            self.stats.compliance.names_given += 1;
            let name = synthetic_name(nk ^ self.key);
            if below(r.consent, || draw(Purpose::Consent, 0)) {
                // Consent is given during the conversation, at a drawn share of the talk: strictly after the
                // connect and before the end (a conversation with a consent lasts at least 2 ms). The receipt,
                // then the name under it, are written at that moment.
                talk_ms = talk_ms.max(Millis(2));
                let share = draw(Purpose::ConsentMoment, attempt);
                let offset = Millis(1 + (share * (talk_ms - Millis(1)).as_f64()) as u64);
                self.queue.push(self.now + offset.min(talk_ms - Millis(1)), Event::Consent(c));
            } else {
                // Declined: the name is discarded and written nowhere (unless a fault is injected).
                self.stats.compliance.consents_declined += 1;
                if below(cp.faults.store_name_without_consent, || draw(Purpose::StoreNameFault, attempt)) {
                    self.stats.compliance.faults_injected.store_name_without_consent += 1;
                    self.names.push(NameEntry { number, name, call_id: c, time_ms: self.now, receipt: None });
                }
            }
        }
        if below(s.referrals.share, || draw(Purpose::Referral, 0)) {
            self.stats.compliance.referrals += 1;
            // The referee's number is queued; their name is kept nowhere.
            match self.fresh.random_number((nk ^ self.key).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(c)) {
                Some(referee) => {
                    self.referrals.push_back((referee, c));
                    self.referral_links.insert(c, (self.now, false));
                }
                // A campaign dialling a list of its own has no number space to draw a referee from: the
                // referral is dropped, and counted.
                None => self.stats.compliance.referrals_dropped += 1,
            }
        }
        (talk_ms, Outcome::Completed)
    }

    /// The moment of consent in call `c` (connected and still talking): the receipt first, then the name
    /// kept under it; a withdrawal to come is scheduled from here.
    pub(super) fn consent(&mut self, c: u32) {
        let call = &self.calls[c];
        let (number, referral_of, agent) = (call.number, call.referral_of.get(), call.agent.get());
        debug_assert!(call.connected.get().is_some_and(|t| t < self.now) && call.ended.is_none(), "inside the talk");
        let nk = number.key();
        let cp = &self.s.compliance;
        let draw = |p: Purpose| uniform(self.key, nk, 0, p.id(), 0);
        self.stats.compliance.consents_granted += 1;
        self.stats.interval(self.now).consents += 1;
        if referral_of.is_some() {
            self.stats.compliance.referrals_converted += 1;
        }
        let name = synthetic_name(nk ^ self.key);
        let id = record_uuid(self.key, "consent", &[u64::from(c), nk]);
        let receipt = Receipt {
            id: id.clone(),
            number,
            name: Some(name.clone()),
            call_id: c,
            time_ms: self.now,
            referral_of,
            agent,
        };
        self.ledger.push(LedgerEntry::Consent(receipt));
        self.names.push(NameEntry { number, name, call_id: c, time_ms: self.now, receipt: Some(id) });
        if draw(Purpose::Withdraw) < cp.withdraw {
            let delay = sample(&cp.withdraw_delay, draw(Purpose::WithdrawDelay), draw(Purpose::WithdrawDelaySecond));
            self.queue.push(self.now + millis(delay).max(Millis(1)), Event::Withdraw(self.ledger.len() as u32 - 1));
        }
    }
}
