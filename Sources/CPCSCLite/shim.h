// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CPCSCLITE_SHIM_H
#define ZIZHU_CPCSCLITE_SHIM_H
#include <stddef.h>
#include <PCSC/winscard.h>
#include <PCSC/reader.h>

/* The protocol control information for T=0 or T=1 is a macro over a global; Swift sees
   neither, so the card's active protocol picks it here. */
static inline LONG zz_scard_transmit(SCARDHANDLE card, DWORD protocol, const BYTE *send, DWORD sendLength,
                                     BYTE *receive, DWORD *receiveLength) {
    const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    return SCardTransmit(card, pci, send, sendLength, NULL, receive, receiveLength);
}

/* The result codes are cast macros, which Swift does not import. */
static inline LONG zz_scard_success(void) { return SCARD_S_SUCCESS; }
static inline LONG zz_scard_e_timeout(void) { return SCARD_E_TIMEOUT; }
static inline LONG zz_scard_e_no_service(void) { return SCARD_E_NO_SERVICE; }
static inline LONG zz_scard_e_service_stopped(void) { return SCARD_E_SERVICE_STOPPED; }
static inline LONG zz_scard_e_no_readers_available(void) { return SCARD_E_NO_READERS_AVAILABLE; }
static inline LONG zz_scard_e_unknown_reader(void) { return SCARD_E_UNKNOWN_READER; }
static inline LONG zz_scard_e_no_smartcard(void) { return SCARD_E_NO_SMARTCARD; }
static inline LONG zz_scard_w_removed_card(void) { return SCARD_W_REMOVED_CARD; }
static inline LONG zz_scard_w_reset_card(void) { return SCARD_W_RESET_CARD; }
static inline LONG zz_scard_w_unresponsive_card(void) { return SCARD_W_UNRESPONSIVE_CARD; }
static inline LONG zz_scard_e_reader_unavailable(void) { return SCARD_E_READER_UNAVAILABLE; }
static inline LONG zz_scard_e_not_transacted(void) { return SCARD_E_NOT_TRANSACTED; }
static inline LONG zz_scard_e_cancelled(void) { return SCARD_E_CANCELLED; }
static inline LONG zz_scard_e_insufficient_buffer(void) { return SCARD_E_INSUFFICIENT_BUFFER; }
static inline DWORD zz_scard_infinite(void) { return INFINITE; }
#endif
