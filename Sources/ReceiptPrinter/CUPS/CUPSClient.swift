// SPDX-License-Identifier: Apache-2.0
import CCUPS
import Foundation
import ZizhuCore

/// Talks to CUPS over one explicit connection (`httpConnect2`), never the per-thread
/// default: `cupsSetServer` is per thread in libcups 2.x, and actor methods hop threads.
/// The server is a Unix socket path or `host:port` (config, else `CUPS_SERVER`, else
/// `/run/cups/cups.sock`).
public actor CUPSClient {
    public nonisolated let server: String
    public nonisolated let queue: String
    /// The connection; closed when dropped (its own deinit, so the actor needs none).
    private var http: Connection?

    final class Connection {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { httpClose(pointer) }
    }

    public init(server: String?, queue: String) {
        self.server = server ?? ProcessInfo.processInfo.environment["CUPS_SERVER"] ?? "/run/cups/cups.sock"
        self.queue = queue
    }

    /// Jobs this client gave up on while CUPS was down (it crashed or restarted mid-job).
    /// Cancelled as soon as CUPS answers again, before anything else is printed.
    public private(set) var abandonedJobs: Set<Int32> = []

    private func connection() -> OpaquePointer? {
        if let http { return http.pointer }
        let (host, port) = Self.split(server)
        guard let made = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 3000, nil) else { return nil }
        http = Connection(made)
        cancelAbandonedJobs(made)
        return made
    }

    /// Cancels what was left when CUPS went down. A job that is gone (cupsd had not written
    /// it down) or already finished needs nothing more; one CUPS would not cancel is tried
    /// again on the next connection.
    private func cancelAbandonedJobs(_ http: OpaquePointer) {
        for job in abandonedJobs.sorted() {
            let code = cupsCancelJob2(http, queue, job, 0)
            if code.rawValue <= IPP_STATUS_OK_CONFLICTING.rawValue || code == IPP_STATUS_ERROR_NOT_FOUND || code == IPP_STATUS_ERROR_NOT_POSSIBLE {
                abandonedJobs.remove(job)
            }
        }
    }

    /// Why a step of a job failed: CUPS gone (the connection is dropped, the next call
    /// connects again) or CUPS refusing this job.
    private func failure(_ step: String, job: Int32?) -> PrinterError {
        let reason = "\(step): \(String(cString: cupsLastErrorString()))"
        drop()
        let error: PrinterError
        switch status() {
        case .failure(.serviceDown(let why)): error = .serviceDown("\(reason); \(why)")
        default: error = .submitFailed(reason)
        }
        if let job, case .serviceDown = error { abandonedJobs.insert(job) }
        return error
    }

    private func drop() {
        http = nil
    }

    static func split(_ server: String) -> (String, Int32) {
        if server.hasPrefix("/") { return (server, 0) }
        if let colon = server.lastIndex(of: ":"), let port = Int32(server[server.index(after: colon)...]) {
            return (String(server[..<colon]), port)
        }
        return (server, 631)
    }

    var printerURI: String { "ipp://localhost/printers/\(queue)" }

    // MARK: - Status

    /// The queue's state and reasons (IPP Get-Printer-Attributes).
    public func status() -> Result<PrinterStatus, PrinterError> {
        guard let http = connection() else { return .failure(.serviceDown("cannot reach CUPS at \(server)")) }
        guard let request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES) else { return .failure(.serviceDown("out of memory")) }
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI)
        let wanted = ["printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs"]
        withCStrings(wanted) { pointers in
            _ = ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", Int32(wanted.count), nil, pointers)
        }
        guard let response = cupsDoRequest(http, request, "/") else {
            let reason = String(cString: cupsLastErrorString())
            drop()
            return .failure(.serviceDown("CUPS at \(server) did not answer: \(reason)"))
        }
        defer { ippDelete(response) }
        let code = ippGetStatusCode(response)
        if code == IPP_STATUS_ERROR_NOT_FOUND { return .failure(.queueMissing(queue)) }
        guard code.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else {
            return .failure(.serviceDown("Get-Printer-Attributes: \(String(cString: ippErrorString(code)))"))
        }
        let state: PrinterStatus.State
        switch ippGetInteger(ippFindAttribute(response, "printer-state", IPP_TAG_ENUM), 0) {
        case 3: state = .idle
        case 4: state = .processing
        case 5: state = .stopped
        default: state = .unknown
        }
        let reasons = strings(ippFindAttribute(response, "printer-state-reasons", IPP_TAG_KEYWORD))
        let message = strings(ippFindAttribute(response, "printer-state-message", IPP_TAG_TEXT)).first ?? ""
        let accepting = ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN).map { ippGetBoolean($0, 0) != 0 } ?? true
        return .success(PrinterStatus(queue: queue, state: state, reasons: reasons, message: message, acceptingJobs: accepting))
    }

    /// The health check a journey runs before a transaction that needs paper.
    public func health() -> PrinterHealth {
        switch status() {
        case .success(let status): return status.health
        case .failure(let error): return error.health
        }
    }

    /// The probe job: ESC @ alone (initialise; prints nothing even on a printer that takes it).
    public static let probeJob: [UInt8] = [0x1B, 0x40]

    /// Refreshes what CUPS knows: resumes a queue stopped by an earlier fault and sends the
    /// probe job, which the escposnet backend answers with a status check only (nothing
    /// reaches the paper). A refilled or repaired printer is noticed this way, without a
    /// technician. Returns the health afterwards.
    public func probe(timeout: Double = 10) async -> PrinterHealth {
        if case .success(let status) = status(), status.state == .stopped || status.reasons.contains("paused") {
            resume()
        }
        let outcome = await print(Self.probeJob, title: "status probe", timeout: timeout, cancelAfter: Int(timeout) + 5)
        if case .failed(_, let health, _) = outcome { return health }
        return health()
    }

    /// IPP Resume-Printer (cupsenable).
    public func resume() {
        guard let http = connection(), let request = ippNewRequest(IPP_OP_RESUME_PRINTER) else { return }
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI)
        if let response = cupsDoRequest(http, request, "/admin/") { ippDelete(response) }
    }

    // MARK: - Jobs

    /// Submits raw bytes. `cancelAfter` seconds: a receipt that could not print by then is
    /// cancelled by CUPS, never printed later for the next citizen.
    public func submit(_ bytes: [UInt8], title: String, cancelAfter: Int = 60) -> Result<Int32, PrinterError> {
        guard let http = connection() else { return .failure(.serviceDown("cannot reach CUPS at \(server)")) }
        var options: UnsafeMutablePointer<cups_option_t>?
        var count: Int32 = 0
        count = cupsAddOption("job-cancel-after", String(cancelAfter), count, &options)
        defer { cupsFreeOptions(count, options) }
        let job = cupsCreateJob(http, queue, title, count, options)
        guard job > 0 else {
            let reason = String(cString: cupsLastErrorString())
            let code = cupsLastError()
            if code == IPP_STATUS_ERROR_NOT_FOUND { return .failure(.queueMissing(queue)) }
            drop()
            return .failure(.serviceDown("cannot create a job on \(queue): \(reason)"))
        }
        guard cupsStartDocument(http, queue, job, Self.documentName(title), CUPS_FORMAT_RAW, 1) == HTTP_STATUS_CONTINUE else {
            return .failure(failure("Send-Document", job: job))
        }
        let written = bytes.isEmpty ? HTTP_STATUS_CONTINUE : bytes.withUnsafeBytes { buffer in
            cupsWriteRequestData(http, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        }
        guard written == HTTP_STATUS_CONTINUE else { return .failure(failure("sending the document", job: job)) }
        let finished = cupsFinishDocument(http, queue)
        guard finished.rawValue <= IPP_STATUS_OK_CONFLICTING.rawValue else {
            return .failure(failure("Send-Document", job: job))
        }
        return .success(job)
    }

    /// The `document-name` sent with a job: the title with every space or control
    /// character made `_`. cupsd 2.4.2-3+deb12u10 (Debian's security update) segfaults
    /// when it starts a job whose document-name holds a space or a tab, as it builds the
    /// backend's options; the job title (`job-name`) is not affected and keeps its words.
    public static func documentName(_ title: String) -> String {
        let name = String(title.unicodeScalars.map { scalar -> Character in
            scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F ? "_" : Character(scalar)
        })
        return name.isEmpty ? "receipt" : name
    }

    /// A job's state (IPP Get-Job-Attributes).
    public func jobState(_ job: Int32) -> Result<(state: JobState, reasons: [String]), PrinterError> {
        guard let http = connection() else { return .failure(.serviceDown("cannot reach CUPS at \(server)")) }
        guard let request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES) else { return .failure(.serviceDown("out of memory")) }
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nil, "ipp://localhost/jobs/\(job)")
        guard let response = cupsDoRequest(http, request, "/") else {
            let reason = String(cString: cupsLastErrorString())
            drop()
            abandonedJobs.insert(job)
            return .failure(.serviceDown("CUPS at \(server) stopped answering during job \(job): \(reason)"))
        }
        defer { ippDelete(response) }
        if ippGetStatusCode(response) == IPP_STATUS_ERROR_NOT_FOUND {
            // A cupsd that restarted before it wrote the job down has no such job: it will
            // not print, and CUPS was down while it should have.
            return .failure(.serviceDown("CUPS at \(server) restarted and lost job \(job)"))
        }
        let state = JobState(rawValue: ippGetInteger(ippFindAttribute(response, "job-state", IPP_TAG_ENUM), 0)) ?? .unknown
        return .success((state, strings(ippFindAttribute(response, "job-state-reasons", IPP_TAG_KEYWORD))))
    }

    /// Cancels a job (Cancel-Job).
    public func cancel(_ job: Int32) {
        guard let http = connection() else { return }
        _ = cupsCancelJob2(http, queue, job, 0)
    }

    /// Submits and waits for the job to end, up to `timeout` seconds. A job that has not
    /// completed by then is cancelled. Never throws: every ending is an outcome.
    public func print(_ bytes: [UInt8], title: String, timeout: Double = 30, cancelAfter: Int = 60) async -> PrintOutcome {
        let job: Int32
        switch submit(bytes, title: title, cancelAfter: cancelAfter) {
        case .success(let id): job = id
        case .failure(let error): return .failed(job: nil, health: error.health, reasons: [])
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var lastReasons: [String] = []
        // The job's state is read once more after the deadline: a task that was not
        // scheduled for a while must not call a printed receipt "cancelled".
        var last = false
        while !last {
            last = ContinuousClock.now >= deadline
            switch jobState(job) {
            case .failure(let error):
                return .failed(job: job, health: error.health, reasons: [])
            case .success(let (state, reasons)):
                lastReasons = reasons
                switch state {
                case .completed: return .printed(job: job)
                case .canceled: return .cancelled(job: job, reasons: reasons)
                case .aborted: return .failed(job: job, health: health(), reasons: reasons)
                case .held, .stopped:
                    // Jam (held) or a stopped queue: this receipt will not print for this citizen.
                    cancel(job)
                    return .failed(job: job, health: health(), reasons: reasons)
                case .pending where reasons.contains("printer-stopped"):
                    cancel(job)
                    return .failed(job: job, health: health(), reasons: reasons)
                case .pending, .processing, .unknown:
                    if !last { try? await Task.sleep(for: .milliseconds(20)) }
                }
            }
        }
        cancel(job)
        return .cancelled(job: job, reasons: lastReasons)
    }

    private func strings(_ attribute: OpaquePointer?) -> [String] {
        guard let attribute else { return [] }
        return (0..<ippGetCount(attribute)).compactMap { ippGetString(attribute, $0, nil).map { String(cString: $0) } }
    }

    private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// IPP `job-state`.
public enum JobState: Int32, Sendable {
    case pending = 3, held = 4, processing = 5, stopped = 6, canceled = 7, aborted = 8, completed = 9, unknown = 0
}

/// Why talking to CUPS failed.
public enum PrinterError: Error, Sendable, Hashable, CustomStringConvertible {
    case serviceDown(String)
    case queueMissing(String)
    case submitFailed(String)

    public var health: PrinterHealth {
        switch self {
        case .serviceDown(let reason): return .serviceDown(reason)
        case .queueMissing(let queue): return .queueMissing(queue)
        case .submitFailed(let reason): return .stopped(reason)
        }
    }

    public var description: String {
        switch self {
        case .serviceDown(let reason): return reason
        case .queueMissing(let queue): return "no printer queue named \(queue)"
        case .submitFailed(let reason): return "the job could not be sent: \(reason)"
        }
    }
}
