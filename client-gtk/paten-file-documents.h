/*
 * paten-file-documents.h: the printed documents of a file, built as PatenDocuments from what the
 * server returned: the receipt (tanda terima berkas), the return slip of an incomplete
 * submission, the disposition sheet (lembar disposisi), the site survey report (berita acara
 * pemeriksaan lapangan), the meeting minutes, the rejection letter and the decree (SK).
 *
 * The desk only lays them out: every number, date, signer and verification text is the server's.
 * A document the server issued (a Paten__Document) carries its Document.number, its dates, its
 * signer and `signed_as` line, and its QR code holds Document.verification exactly as it came;
 * an amount, when there is one, is printed as "Rp 1.234.567". The disposition sheet is the desk's
 * own print of a disposition (the server issues no document for it): its QR code is the sheet's
 * own content hash (paten-document.h).
 */
#ifndef PATEN_FILE_DOCUMENTS_H
#define PATEN_FILE_DOCUMENTS_H

#include "paten-document.h"
#include "paten.pb-c.h"

G_BEGIN_DECLS

/* What every document needs besides the file: the region (letterhead), its time zone (dates
 * and times), and the moment it is printed (the footer). */
typedef struct {
    const char *region_name; /* "Kabupaten Pemalang" */
    const char *time_zone;   /* "Asia/Jakarta"; NULL: local time */
    GDateTime *now;
} PatenPrintContext;

/* The receipt of a complete submission: f as TakeIn returned it, doc its RECEIPT document. svc
 * (the service version the file was taken in under; may be NULL) gives the labels of the form's
 * fields and the texts of the requirements handed in. */
PatenDocument *paten_receipt_new(const Paten__File *f, const Paten__Service *svc,
                                 const Paten__Document *doc, const PatenPrintContext *ctx);

/* The return slip of an incomplete submission (no file started): who brought what for which
 * service at office_name, and the n missing requirements, on the RETURN_SLIP document doc. */
PatenDocument *paten_return_slip_new(const Paten__Service *svc, const char *office_name,
                                     const Paten__Applicant *applicant,
                                     const Paten__Representative *representative,
                                     Paten__Requirement *const *missing, size_t n,
                                     const Paten__Document *doc, const PatenPrintContext *ctx);

/* The lembar disposisi of d; f (may be NULL) adds the file's applicant and dates. */
PatenDocument *paten_disposition_sheet_new(const Paten__Disposition *d, const Paten__File *f,
                                           const char *office_name, const PatenPrintContext *ctx);

/* The berita acara of f's site survey (f->survey), with the measurements labelled from svc. */
PatenDocument *paten_survey_report_new(const Paten__File *f, const Paten__Service *svc,
                                       const Paten__Document *doc, const PatenPrintContext *ctx);

/* The berita acara of a meeting on f (the one whose number is doc's, else the last). */
PatenDocument *paten_meeting_minutes_new(const Paten__File *f, const Paten__Document *doc,
                                         const PatenPrintContext *ctx);

/* The letter telling the applicant that f was rejected, with f->decision_reason. */
PatenDocument *paten_rejection_letter_new(const Paten__File *f, const Paten__Service *svc,
                                          const Paten__Document *doc, const PatenPrintContext *ctx);

/* The SK Camat of f: the permit, signed by doc's signer (a.n./Plh. line when signed_as is set),
 * with the form's values labelled from svc and the legal basis from svc. */
PatenDocument *paten_decree_new(const Paten__File *f, const Paten__Service *svc,
                                const Paten__Document *doc, const PatenPrintContext *ctx);

/* The document of doc's kind for f (any of the above but the disposition sheet; a RETURN_SLIP
 * lists f->returned_missing); NULL for a kind this version does not print. */
PatenDocument *paten_file_document_new(const Paten__File *f, const Paten__Service *svc,
                                       const Paten__Document *doc, const PatenPrintContext *ctx);

/*
 * The SKRD (levy) or SKPD (tax) a's assessing office issued: its letterhead, the file and the
 * applicant it assesses (and, for an SKPD, the taxpayer's NPWPD and the SPTPD it rests on), the
 * calculation's trace exactly as the server computed it (every input with its source, every
 * step, the exact amount and its rounding), the principal in rupiah, the due date, the tariff
 * and its legal basis, the late-interest terms, the issuing officer's signature block and the
 * server's verification text as its QR code. a must carry its trace (GetAssessment's or
 * IssueAssessment's answer, not a list's).
 */
PatenDocument *paten_assessment_document_new(const Paten__Assessment *a,
                                             const PatenPrintContext *ctx);

/* The document of kind among f's documents (the last issued), or NULL. */
const Paten__Document *paten_file_find_document(const Paten__File *f, Paten__DocumentKind kind);

/* The name of a payment method as the desk shows it ("Tunai", "Transfer bank", "QRIS"). */
const char *paten_payment_method_name(Paten__PaymentMethod method);

/* The SSRD (levy) or SSPD (tax) of p, the receipt the cashier hands over: the applicant, the
 * file, the assessment (and the STRD / STPD of the interest, if late), principal, interest and
 * the amount paid, how and when, the treasurer it is owed to, the cashier, and p->verification
 * as its QR code. office_name is the kecamatan's (the letterhead). */
PatenDocument *paten_payment_receipt_new(const Paten__Payment *p, const char *office_name,
                                         const PatenPrintContext *ctx);

/* The STS of dep (CreateDeposit's answer, with its payments): the treasurer, the cashier, the
 * total the server computed, each payment, the bank's validation once recorded, and
 * dep->verification as its QR code. */
PatenDocument *paten_deposit_slip_new(const Paten__Deposit *dep, const PatenPrintContext *ctx);

/* The figures of a cashier's daily close (CloseCashDay's answer): collected, cash collected, the
 * cash on hand by the records, the cash counted, the difference and its reason; with figures
 * (Reconcile's answer for that day; may be NULL) each treasurer's line too. The server issues no
 * document for it: its QR code is the sheet's own content hash. */
PatenDocument *paten_cash_close_sheet_new(const Paten__CashClose *c,
                                          const Paten__ReconcileReply *figures,
                                          const char *office_name, const PatenPrintContext *ctx);

G_END_DECLS

#endif
