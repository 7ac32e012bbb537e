// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

// MARK: 取号

extension Outbox {
    /// A ticket number held while its ticket prints.
    public struct TicketReservation: Sendable, Hashable {
        /// The kiosk's local day the number belongs to (`2026-11-22`): fixed at reservation,
        /// so a ticket that prints across midnight stays on the day it was taken.
        public var day: String
        public var category: String
        public var number: Int
        /// Tickets of this category issued earlier today.
        public var issuedBefore: Int
        /// When the first ticket of this category was issued today (seconds since 1970).
        public var firstIssuedAt: Double?
    }

    /// Reserves the next number of the day for a category.
    /// An appointment that already has its ticket today.
    public struct AlreadyCheckedIn: Error, Sendable {}

    /// Tickets of a queue issued today, and when the first was (for estimates across queues).
    public func ticketStats(category: String, day: String) throws -> (issued: Int, firstIssuedAt: Double?) {
        try writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(issued_at) AS first FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                       arguments: [day, category])
            return (row?["n"] ?? 0, row?["first"])
        }
    }

    public func reserveTicket(category: String, day: String, appointment: String? = nil, now: Date? = nil) throws -> TicketReservation {
        let now = now ?? clock.now()
        if let appointment, try writer.read({ db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM ticket WHERE day = ? AND appointment = ? AND state != 'void'", arguments: [day, appointment])
        }) == true {
            throw AlreadyCheckedIn()
        }
        return try writer.write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM ticket WHERE day = ? AND category = ?", arguments: [day, category]) ?? 0
            let issued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                          arguments: [day, category]) ?? 0
            let first = try Double.fetchOne(db, sql: "SELECT MIN(issued_at) FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                            arguments: [day, category])
            try db.execute(sql: "INSERT INTO ticket(day, category, number, state, reserved_at, appointment) VALUES (?, ?, ?, 'printing', ?, ?)",
                           arguments: [day, category, last + 1, now.timeIntervalSince1970, appointment])
            return TicketReservation(day: day, category: category, number: last + 1, issuedBefore: issued, firstIssuedAt: first)
        }
    }

    /// CUPS confirmed the ticket: it counts as issued, and its record goes into the outbox
    /// for the platform — one transaction, so there is never one without the other.
    public func confirmTicket(_ reservation: TicketReservation, payload: TicketPayload, now: Date? = nil) throws(OutboxError) -> Accepted {
        let now = now ?? clock.now()
        let key = UUIDv7.make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)))
        guard let number = AcceptanceNumber.from(key: key) else {
            throw OutboxError(kind: .storage, zh: "编号生成失败", en: "could not derive the entry number")
        }
        let canonical: Data, sealed: Data
        do {
            canonical = try CanonicalJSON.encode(payload)
            sealed = try AES.GCM.seal(canonical, using: self.key, authenticating: Data(key.utf8)).combined ?? Data()
        } catch {
            throw OutboxError(kind: .key, zh: "加密失败", en: "could not seal the ticket: \(error)")
        }
        do {
            let sequence = try writer.write { db -> Int64 in
                try db.execute(sql: """
                    UPDATE ticket SET state = 'issued', issued_at = ?, key = ? WHERE day = ? AND category = ? AND number = ? AND state = 'printing'
                    """, arguments: [now.timeIntervalSince1970, key, reservation.day, reservation.category, reservation.number])
                guard db.changesCount == 1 else { throw OutboxError(kind: .storage, zh: "取号记录不一致", en: "the reservation is gone") }
                let next = (try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM entry") ?? 0) + 1
                try db.execute(sql: """
                    INSERT INTO entry(key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, state, outcome, kind)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '', 'ticket')
                    """, arguments: [key, next, number, reservation.category, UTCTime.iso(now), canonical.sha256Hex, sealed])
                return next
            }
            return Accepted(key: key, acceptanceNumber: number, sequence: sequence)
        } catch {
            throw OutboxError.from(error)
        }
    }

    /// The ticket did not print: its number is void (never issued, never reused).
    public func voidTicket(_ reservation: TicketReservation) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE ticket SET state = 'void' WHERE day = ? AND category = ? AND number = ? AND state = 'printing'",
                           arguments: [reservation.day, reservation.category, reservation.number])
        }
    }

    /// At start: reservations a crash left printing are void (whether their paper came out
    /// is unknown; their numbers are not reused).
    @discardableResult
    public func voidUnconfirmedTickets() throws -> Int {
        try writer.write { db in
            try db.execute(sql: "UPDATE ticket SET state = 'void' WHERE state = 'printing'")
            return db.changesCount
        }
    }

    /// Issued tickets per category on a day.
    public func ticketsIssued(day: String) throws -> [String: Int] {
        try writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT category, COUNT(*) AS n FROM ticket WHERE day = ? AND state = 'issued' GROUP BY category",
                                        arguments: [day]) {
                counts[row["category"]] = row["n"]
            }
            return counts
        }
    }
}
