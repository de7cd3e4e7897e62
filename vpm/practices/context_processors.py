def practice(request):
    access = getattr(request, "practice_access", None)
    return {
        "practice": getattr(request, "practice", None),
        "membership": access.membership if access else None,
    }
