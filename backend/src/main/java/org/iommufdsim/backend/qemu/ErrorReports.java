package org.iommufdsim.backend.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * QEMU's stderr as {@code qemu/error-report.h} writes it: {@code error_report()},
 * {@code warn_report()}, {@code error_report_err()}. Reports are kept in order, in a list, so
 * tests can read exactly what a user would see. The program-name prefix QEMU puts in front
 * ({@code qemu-system-x86_64: }) and the optional timestamp are left out; the
 * {@code warning: } prefix of warnings is kept, as it is part of what users grep.
 */
public final class ErrorReports {
  /** The report functions' severities. */
  public enum Level { ERROR, WARNING, INFO }

  /** One report as printed (without the program-name prefix). */
  public record Report(Level level, String message) {
    public Report {
      Objects.requireNonNull(level);
      Objects.requireNonNull(message);
    }

    public String line() {
      return switch (level) {
        case ERROR -> message;
        case WARNING -> "warning: " + message;
        case INFO -> "info: " + message;
      };
    }
  }

  private final List<Report> reports = new ArrayList<>();

  /** {@code error_report("%s", message)}. */
  public void errorReport(String message) {
    reports.add(new Report(Level.ERROR, message));
  }

  /** {@code warn_report("%s", message)}. */
  public void warnReport(String message) {
    reports.add(new Report(Level.WARNING, message));
  }

  /** {@code error_report_err(err)}: the message, then the hint if any; frees the error. */
  public void errorReportErr(Errp errp) {
    errp.get().ifPresent(e -> reports.add(new Report(Level.ERROR,
        e.hint().isEmpty() ? e.message() : e.message() + "\n" + e.hint())));
    errp.free();
  }

  public List<Report> reports() {
    return List.copyOf(reports);
  }

  /** Every report as the line QEMU prints. */
  public List<String> lines() {
    return reports.stream().map(Report::line).toList();
  }

  public void clear() {
    reports.clear();
  }
}
