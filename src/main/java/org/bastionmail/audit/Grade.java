package org.bastionmail.audit;

import java.util.List;

/**
 * The grade that ends a report. Any critical finding is an F; otherwise each finding costs points by
 * severity (high 25, medium 10, low 3, info 0) from 100: A+ needs no finding above info, A >= 90, B >= 80,
 * C >= 65, D >= 50, E >= 35, F below; a high finding caps the grade at C.
 */
public enum Grade {
    A_PLUS("A+"), A("A"), B("B"), C("C"), D("D"), E("E"), F("F");

    private final String label;

    Grade(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Grade of(List<Finding> findings) {
        int score = 100;
        boolean high = false;
        boolean aboveInfo = false;
        for (Finding f : findings) {
            switch (f.severity()) {
                case CRITICAL -> {
                    return F;
                }
                case HIGH -> {
                    score -= 25;
                    high = true;
                }
                case MEDIUM -> score -= 10;
                case LOW -> score -= 3;
                case INFO -> { }
            }
            aboveInfo |= f.severity() != Severity.INFO;
        }
        Grade grade = !aboveInfo ? A_PLUS : score >= 90 ? A : score >= 80 ? B : score >= 65 ? C : score >= 50 ? D : score >= 35 ? E : F;
        return high && grade.compareTo(C) < 0 ? C : grade;
    }
}
