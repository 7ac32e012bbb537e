// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CNCURSESW_SHIM_H
#define ZIZHU_CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, which is what normally turns on
   the wide-character API (cchar_t, wget_wch, setcchar). Ask for it directly. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <curses.h>
#include <term.h>

/* glibc hides these unless __USE_XOPEN; Swift's Glibc module is built without it. */
extern int wcwidth(wchar_t c);

/* Mutable C globals are refused by Swift 6 ("not concurrency-safe"): read them here. */
static inline WINDOW *zz_stdscr(void) { return stdscr; }
static inline int zz_colors(void) { return COLORS; }
static inline int zz_color_pairs(void) { return COLOR_PAIRS; }
/* Macros that expand through NCURSES_BITS are not imported. */
static inline attr_t zz_attr_normal(void) { return A_NORMAL; }
static inline attr_t zz_attr_bold(void) { return A_BOLD; }
static inline attr_t zz_attr_reverse(void) { return A_REVERSE; }
static inline attr_t zz_attr_underline(void) { return A_UNDERLINE; }
static inline int zz_key_f(int n) { return KEY_F(n); }
static inline mmask_t zz_mouse_mask(void) {
    return BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | REPORT_MOUSE_POSITION;
}
/* A move with the button down (xterm button-event tracking, 1002): a handwriting stroke. */
static inline mmask_t zz_mouse_moved(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t zz_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t zz_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t zz_button1_clicked(void) { return BUTTON1_CLICKED; }
/* CCHARW_MAX: how many code points one cell holds (spacing char + combining marks). */
static inline int zz_ccharw_max(void) { return CCHARW_MAX; }
/* Frees the TERMINAL that a bare setupterm() (the start-up guard) created. */
static inline void zz_del_cur_term(void) { if (cur_term) { del_curterm(cur_term); cur_term = NULL; } }
static inline const char *zz_ncurses_version(void) { return curses_version(); }
#endif
