// SPDX-License-Identifier: Apache-2.0

/// A page from whichever device the profile names: the SANE scanner, or the document camera.
public enum DocumentCapture {
    /// One page, in gray. Blocks (seconds): call it off Swift concurrency's threads.
    public static func capture(_ profile: DocumentScannerProfile) throws(CaptureFault) -> ScannedPage {
        if let camera = profile.camera { return try DocumentCameras.capture(camera) }
        return try SaneScanners.scan(profile)
    }
}
