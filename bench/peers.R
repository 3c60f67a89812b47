# Helper of bench/peers.sh: fit every curve of a `curve,x,y` CSV with R's nls and the self-starting
# 4PL SSfpl (what an R user writes), print one JSON line per curve in the format of bench/peers.py.
#
#   Rscript bench/peers.R IN.csv
#
# SSfpl is the 4PL in log concentration: A + (B − A) / (1 + exp((xmid − log x) / scal)). In the
# a, b, c, d of `secretome assay fit` (d + (a − d) / (1 + (x/c)^b)): a = A, d = B, c = exp(xmid),
# b = 1/scal; standard errors follow by the delta method (se_c = c·se_xmid, se_b = se_scal/scal²).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript bench/peers.R IN.csv")
d <- read.csv(args[1], colClasses = c("character", "numeric", "numeric"))
d$lx <- log(d$x)
groups <- split(d, factor(d$curve, levels = unique(d$curve)))
num <- function(v) if (is.finite(v)) sprintf("%.17g", v) else "null"
out <- character(length(groups))
for (k in seq_along(groups)) {
  g <- groups[[k]]
  name <- names(groups)[k]
  fit <- tryCatch(nls(y ~ SSfpl(lx, A, B, xmid, scal), data = g), error = function(e) e)
  if (inherits(fit, "error")) {
    msg <- gsub('["\\\\\n]', " ", conditionMessage(fit))
    out[k] <- sprintf('{"curve": "%s", "converged": false, "error": "%s"}', name, msg)
    next
  }
  cf <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  a <- cf[["A"]]; dd <- cf[["B"]]; scal <- cf[["scal"]]; cc <- exp(cf[["xmid"]])
  p <- c(a, 1 / scal, cc, dd)
  s <- c(se[["A"]], se[["scal"]] / scal^2, cc * se[["xmid"]], se[["B"]])
  ok <- isTRUE(fit$convInfo$isConv)
  out[k] <- sprintf(
    '{"curve": "%s", "params": {"a": %s, "b": %s, "c": %s, "d": %s}, "se": {"a": %s, "b": %s, "c": %s, "d": %s}, "rss": %s, "converged": %s}',
    name, num(p[1]), num(p[2]), num(p[3]), num(p[4]), num(s[1]), num(s[2]), num(s[3]), num(s[4]),
    num(deviance(fit)), if (ok) "true" else "false")
}
writeLines(out)
