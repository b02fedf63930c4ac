package org.iommufdsim.backend.os;

import org.iommufdsim.sim.uapi.Errno;

/**
 * glibc's {@code strerror(3)} texts for the errnos the simulator can answer, as QEMU prints
 * them through {@code %m} and {@code error_setg_errno()}: users grep QEMU's logs for these.
 */
public final class Strerror {
  private Strerror() {}

  /** {@code strerror(errnum)}; glibc's "Unknown error N" for a number it has no text for. */
  public static String strerror(int errnum) {
    return Errno.byNumber(errnum).map(Strerror::text).orElse("Unknown error " + errnum);
  }

  /** Exhaustive on purpose: a new {@link Errno} constant does not compile until it has text. */
  static String text(Errno e) {
    return switch (e) {
      case EPERM -> "Operation not permitted";
      case ENOENT -> "No such file or directory";
      case ESRCH -> "No such process";
      case EINTR -> "Interrupted system call";
      case EIO -> "Input/output error";
      case ENXIO -> "No such device or address";
      case E2BIG -> "Argument list too long";
      case ENOEXEC -> "Exec format error";
      case EBADF -> "Bad file descriptor";
      case ECHILD -> "No child processes";
      case EAGAIN -> "Resource temporarily unavailable";
      case ENOMEM -> "Cannot allocate memory";
      case EACCES -> "Permission denied";
      case EFAULT -> "Bad address";
      case ENOTBLK -> "Block device required";
      case EBUSY -> "Device or resource busy";
      case EEXIST -> "File exists";
      case EXDEV -> "Invalid cross-device link";
      case ENODEV -> "No such device";
      case ENOTDIR -> "Not a directory";
      case EISDIR -> "Is a directory";
      case EINVAL -> "Invalid argument";
      case ENFILE -> "Too many open files in system";
      case EMFILE -> "Too many open files";
      case ENOTTY -> "Inappropriate ioctl for device";
      case ETXTBSY -> "Text file busy";
      case EFBIG -> "File too large";
      case ENOSPC -> "No space left on device";
      case ESPIPE -> "Illegal seek";
      case EROFS -> "Read-only file system";
      case EMLINK -> "Too many links";
      case EPIPE -> "Broken pipe";
      case EDOM -> "Numerical argument out of domain";
      case ERANGE -> "Numerical result out of range";
      case EDEADLK -> "Resource deadlock avoided";
      case ENAMETOOLONG -> "File name too long";
      case ENOLCK -> "No locks available";
      case ENOSYS -> "Function not implemented";
      case ENOTEMPTY -> "Directory not empty";
      case ELOOP -> "Too many levels of symbolic links";
      case ENOMSG -> "No message of desired type";
      case EIDRM -> "Identifier removed";
      case EBADE -> "Invalid exchange";
      case EBADR -> "Invalid request descriptor";
      case ENODATA -> "No data available";
      case ETIME -> "Timer expired";
      case ENOSR -> "Out of streams resources";
      case ENOLINK -> "Link has been severed";
      case EPROTO -> "Protocol error";
      case EBADMSG -> "Bad message";
      case EOVERFLOW -> "Value too large for defined data type";
      case EBADFD -> "File descriptor in bad state";
      case EILSEQ -> "Invalid or incomplete multibyte or wide character";
      case EUSERS -> "Too many users";
      case ENOTSOCK -> "Socket operation on non-socket";
      case EMSGSIZE -> "Message too long";
      case EPROTOTYPE -> "Protocol wrong type for socket";
      case ENOPROTOOPT -> "Protocol not available";
      case EPROTONOSUPPORT -> "Protocol not supported";
      case EOPNOTSUPP -> "Operation not supported";
      case EADDRINUSE -> "Address already in use";
      case EADDRNOTAVAIL -> "Cannot assign requested address";
      case ENETDOWN -> "Network is down";
      case ENOBUFS -> "No buffer space available";
      case ETIMEDOUT -> "Connection timed out";
      case EALREADY -> "Operation already in progress";
      case EINPROGRESS -> "Operation now in progress";
      case EDQUOT -> "Disk quota exceeded";
      case ECANCELED -> "Operation canceled";
      case EOWNERDEAD -> "Owner died";
      case ENOTRECOVERABLE -> "State not recoverable";
    };
  }
}
