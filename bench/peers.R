# Helper of bench/peers.sh: fit every curve of a `curve,x,y` CSV with R's minpack.lm::nlsLM (MINPACK
# Levenberg–Marquardt, as an R analyst fits a 4PL/5PL), print one JSON line per curve in the format
# of bench/peers.py.
#
#   Rscript bench/peers.R IN.csv [MODEL [WEIGHT]]     MODEL 4pl|5pl, WEIGHT none|1/y|1/y2
#
# Model as `secretome assay fit`: d + (a − d) / (1 + (x/c)^b)^g (g = 1 for the 4PL). Start as an
# analyst would, the same as the scipy leg: asymptotes from the mean responses at the lowest and the
# highest concentration, b = 1, c = the median non-zero concentration, g = 1. Iteration limits raised
# from the defaults (maxiter 1000, maxfev 20000, like the scipy leg); tolerances are nlsLM's defaults.
# (The first benchmark used nls + SSfpl, which takes log x and so cannot fit a zero standard.)
suppressMessages(library(minpack.lm))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/peers.R IN.csv [MODEL [WEIGHT]]")
model <- if (length(args) >= 2) args[2] else "4pl"
weight <- if (length(args) >= 3) args[3] else "none"
d <- read.csv(args[1], colClasses = c("character", "numeric", "numeric"))
groups <- split(d, factor(d$curve, levels = unique(d$curve)))
num <- function(v) if (is.finite(v)) sprintf("%.17g", v) else "null"
names5 <- if (model == "5pl") c("a", "b", "c", "d", "g") else c("a", "b", "c", "d")
form <- if (model == "5pl") y ~ d + (a - d) / (1 + (x / c)^b)^g else y ~ d + (a - d) / (1 + (x / c)^b)
ctl <- nls.lm.control(maxiter = 1000, maxfev = 20000)
out <- character(length(groups))
for (k in seq_along(groups)) {
  g <- groups[[k]]
  name <- names(groups)[k]
  w <- switch(weight, "1/y2" = 1 / g$y^2, "1/y" = 1 / abs(g$y), rep(1, nrow(g)))
  st <- list(a = mean(g$y[g$x == min(g$x)]), b = 1, c = median(g$x[g$x > 0]),
             d = mean(g$y[g$x == max(g$x)]))
  if (model == "5pl") st$g <- 1
  fit <- tryCatch(nlsLM(form, data = g, start = st, weights = w, control = ctl),
                  error = function(e) e)
  if (inherits(fit, "error")) {
    msg <- gsub('["\\\\\n]', " ", conditionMessage(fit))
    out[k] <- sprintf('{"curve": "%s", "converged": false, "error": "%s"}', name, msg)
    next
  }
  cf <- coef(fit)
  se <- tryCatch(sqrt(diag(vcov(fit))), error = function(e) rep(NaN, length(cf)))
  p <- paste(sprintf('"%s": %s', names5, sapply(cf[names5], num)), collapse = ", ")
  s <- paste(sprintf('"%s": %s', names5, sapply(se, num)), collapse = ", ")
  ok <- isTRUE(fit$convInfo$isConv)
  out[k] <- sprintf('{"curve": "%s", "params": {%s}, "se": {%s}, "rss": %s, "converged": %s}',
                    name, p, s, num(sum(w * residuals(fit)^2)), if (ok) "true" else "false")
}
writeLines(out)
