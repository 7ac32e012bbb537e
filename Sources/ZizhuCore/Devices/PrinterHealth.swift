// SPDX-License-Identifier: Apache-2.0
/// The printer as the citizen's journey sees it, with words for the citizen.
public enum PrinterHealth: Sendable, Hashable, Codable {
    case ready
    /// Still prints; a technician should refill soon.
    case paperLow
    case paperOut
    case jammed
    case coverOpen
    case offline
    /// The queue is stopped or rejecting jobs (the text is CUPS' message).
    case stopped(String)
    /// No queue of that name.
    case queueMissing(String)
    /// CUPS itself does not answer.
    case serviceDown(String)

    public var canPrint: Bool {
        switch self {
        case .ready, .paperLow: return true
        default: return false
        }
    }

    /// For the citizen, before they start: what is wrong and what they can do instead.
    public var zh: String {
        switch self {
        case .ready: return "打印机正常"
        case .paperLow: return "打印机纸张即将用完"
        case .paperOut: return "打印机缺纸，暂不能打印回执。您仍可办理，受理编号将显示在屏幕上，请拍照或抄下；也可到人工窗口办理。"
        case .jammed: return "打印机卡纸，暂不能打印。请按 0 呼叫工作人员，或凭屏幕上的受理编号查询。"
        case .coverOpen: return "打印机仓门未关，暂不能打印。请按 0 呼叫工作人员。"
        case .serviceDown:
            return "打印服务暂时中断，正在自动恢复，暂不能打印。您仍可办理，受理编号将显示在屏幕上；也可稍后再试或到人工窗口办理。"
        case .offline, .stopped, .queueMissing:
            return "打印机暂不可用，暂不能打印回执。您仍可办理，受理编号将显示在屏幕上；也可到人工窗口办理。"
        }
    }

    public var en: String {
        switch self {
        case .ready: return "The printer is ready"
        case .paperLow: return "The printer is low on paper"
        case .paperOut: return "The printer is out of paper, so no receipt can be printed. You can still apply: the acceptance number will be shown on screen for you to photograph or copy. Or go to a staffed counter."
        case .jammed: return "The printer is jammed. Press 0 to call staff, or use the acceptance number shown on screen."
        case .coverOpen: return "The printer cover is open. Press 0 to call staff."
        case .serviceDown:
            return "The printing service is down and restarting, so nothing can be printed now. You can still apply: the acceptance number will be shown on screen. Or try again shortly, or go to a staffed counter."
        case .offline, .stopped, .queueMissing:
            return "The printer is not available, so no receipt can be printed. You can still apply: the acceptance number will be shown on screen. Or go to a staffed counter."
        }
    }

    /// For logs and technicians.
    public var code: String {
        switch self {
        case .ready: return "ready"
        case .paperLow: return "paper-low"
        case .paperOut: return "paper-out"
        case .jammed: return "jammed"
        case .coverOpen: return "cover-open"
        case .offline: return "offline"
        case .stopped(let message): return "stopped: \(message)"
        case .queueMissing(let queue): return "no queue \(queue)"
        case .serviceDown(let reason): return "printer service down (CUPS): \(reason)"
        }
    }
}

