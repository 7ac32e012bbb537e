// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CV4L2_SHIM_H
#define ZIZHU_CV4L2_SHIM_H
/* Video4Linux2 for document cameras (高拍仪, UVC): the ioctl requests are macros Swift cannot
   import, and the structures hold unions; these wrappers name what the camera code needs. */
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <string.h>
#include <errno.h>

static inline int zz_v4l2_querycap(int fd, struct v4l2_capability *cap) { return ioctl(fd, VIDIOC_QUERYCAP, cap); }
static inline unsigned zz_v4l2_capture_caps(const struct v4l2_capability *cap) {
    return (cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps : cap->capabilities;
}
static inline int zz_v4l2_can_capture(unsigned caps) {
    return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

/* Asks for a capture format; the driver answers with the nearest it has (in *width, *height,
   *pixelformat, *bytesperline). */
static inline int zz_v4l2_set_format(int fd, unsigned *width, unsigned *height, unsigned *pixelformat, unsigned *bytesperline) {
    struct v4l2_format f;
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = *width;
    f.fmt.pix.height = *height;
    f.fmt.pix.pixelformat = *pixelformat;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    int r = ioctl(fd, VIDIOC_S_FMT, &f);
    if (r == 0) {
        *width = f.fmt.pix.width;
        *height = f.fmt.pix.height;
        *pixelformat = f.fmt.pix.pixelformat;
        *bytesperline = f.fmt.pix.bytesperline;
    }
    return r;
}

static inline unsigned zz_v4l2_pix_fmt_yuyv(void) { return V4L2_PIX_FMT_YUYV; }
static inline unsigned zz_v4l2_pix_fmt_grey(void) { return V4L2_PIX_FMT_GREY; }

/* Memory-mapped buffers: how many the driver gives (0 frees them). */
static inline int zz_v4l2_request_buffers(int fd, unsigned count, unsigned *given) {
    struct v4l2_requestbuffers r;
    memset(&r, 0, sizeof r);
    r.count = count;
    r.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    r.memory = V4L2_MEMORY_MMAP;
    int result = ioctl(fd, VIDIOC_REQBUFS, &r);
    if (result == 0) *given = r.count;
    return result;
}

/* Where buffer `index` maps (offset, length). */
/* A capture buffer of memory-mapped kind, numbered `index`. */
static inline struct v4l2_buffer zz_v4l2_buffer(unsigned index) {
    struct v4l2_buffer b;
    memset(&b, 0, sizeof b);
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    b.index = index;
    return b;
}

static inline int zz_v4l2_query_buffer(int fd, unsigned index, unsigned *offset, unsigned *length) {
    struct v4l2_buffer b = zz_v4l2_buffer(index);
    int r = ioctl(fd, VIDIOC_QUERYBUF, &b);
    if (r == 0) { *offset = b.m.offset; *length = b.length; }
    return r;
}

static inline int zz_v4l2_queue(int fd, unsigned index) {
    struct v4l2_buffer b = zz_v4l2_buffer(index);
    return ioctl(fd, VIDIOC_QBUF, &b);
}

/* A filled buffer: its index and how many bytes of it hold the frame. */
static inline int zz_v4l2_dequeue(int fd, unsigned *index, unsigned *used) {
    struct v4l2_buffer b = zz_v4l2_buffer(0);
    int r = ioctl(fd, VIDIOC_DQBUF, &b);
    if (r == 0) { *index = b.index; *used = b.bytesused; }
    return r;
}

static inline int zz_v4l2_stream(int fd, int on) {
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    return ioctl(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
}
#endif
